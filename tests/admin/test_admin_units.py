"""Units on the admin pages: the tree, create, edit (no cycles), delete only when empty."""

from sqlalchemy import func, select

from lms.org.models import Unit


def _unit(db, code):
    db.session.expire_all()
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_tree_lists_children_under_parents_with_head_and_count(page_queries, admin_client, db, org,
                                                               make_unit):
    org["a"].head = org["manager_a"]
    db.session.commit()
    small, page = page_queries(admin_client, "/admin/unit")
    assert page.index("Dinas Kominfo") < page.index("Bidang A") < page.index("Seksi A1")
    assert page.index("Seksi A1") < page.index("Bidang B")
    assert 'class="depth-2"' in page and "Kabid A" in page
    for n in range(5):
        make_unit(f"SUB{n}", f"Sub {n}", parent="SEK-A1")
    more, page = page_queries(admin_client, "/admin/unit")
    assert more == small and 'class="depth-3"' in page


def test_create_unit_with_parent_and_head(admin_client, db, org):
    response = admin_client.post("/admin/unit/baru", data={
        "code": "SEK-B1", "name": "Seksi B1", "parent": str(org["b"].id),
        "head_nip": org["learner_b"].nip})
    assert response.status_code == 302
    unit = _unit(db, "SEK-B1")
    assert unit.parent.code == "BID-B" and unit.head.nip == org["learner_b"].nip


def test_create_refuses_duplicate_code_and_unknown_head(admin_client, db, org):
    before = _count(db)
    for data, message in (({"code": "BID-A", "name": "Lagi"}, "sudah dipakai"),
                          ({"code": "NEW", "name": "Baru", "head_nip": "199001012015011999"},
                           "Tidak ada pegawai dengan NIP itu"),
                          ({"code": "NEW", "name": ""}, "Wajib diisi")):
        response = admin_client.post("/admin/unit/baru", data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), message
    assert _count(db) == before


def test_edit_name_parent_and_head(admin_client, db, org):
    response = admin_client.post(f"/admin/unit/{org['a1'].id}", data={
        "name": "Seksi Aplikasi", "parent": str(org["b"].id), "head_nip": org["learner_a1"].nip})
    assert response.status_code == 302
    a1 = _unit(db, "SEK-A1")
    assert (a1.name, a1.parent.code, a1.head.name) == ("Seksi Aplikasi", "BID-B", "Citra")
    response = admin_client.post(f"/admin/unit/{org['a1'].id}", data={
        "name": "Seksi Aplikasi", "parent": ""})
    a1 = _unit(db, "SEK-A1")
    assert a1.parent is None and a1.head is None


def test_edit_refuses_a_cycle(admin_client, db, org):
    for parent in (org["a1"], org["a"]):  # a child of Bidang A, and Bidang A itself
        response = admin_client.post(f"/admin/unit/{org['a'].id}", data={
            "name": "Bidang A", "parent": str(parent.id)})
        assert response.status_code == 422
        assert "lingkaran" in response.get_data(as_text=True)
    assert _unit(db, "BID-A").parent.code == "DINAS"


def test_delete_only_empty_units(admin_client, db, org, make_unit):
    make_unit("KOSONG", "Unit Kosong", parent="BID-B")
    for unit, message in ((org["a"], "sub-unit"), (org["a1"], "1 pegawai")):
        response = admin_client.post(f"/admin/unit/{unit.id}/hapus", follow_redirects=True)
        assert "tidak dapat dihapus" in response.get_data(as_text=True)
        assert message in response.get_data(as_text=True)
    assert _unit(db, "SEK-A1") is not None
    empty = _unit(db, "KOSONG")
    response = admin_client.post(f"/admin/unit/{empty.id}/hapus", follow_redirects=True)
    assert "dihapus" in response.get_data(as_text=True)
    assert _unit(db, "KOSONG") is None
