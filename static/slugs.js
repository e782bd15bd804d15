// Slug fields may be left empty: the server makes the slug from the title. With this script,
// an empty slug field shows, as its placeholder, the slug the title would give.
(function () {
  "use strict";
  function slugFromTitle(title) {
    var words = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .match(/[a-z0-9]+/g) || [];
    var slug = "";
    for (var i = 0; i < words.length; i++) {
      if (slug && slug.length + 1 + words[i].length > 50) { break; }
      slug = slug ? slug + "-" + words[i] : words[i].slice(0, 50);
    }
    return slug;
  }
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    var title = form.querySelector("input[name='title']");
    var slug = form.querySelector("input[name='slug']");
    if (!title || !slug) { return; }
    title.addEventListener("input", function () { slug.placeholder = slugFromTitle(title.value); });
  });
}());
