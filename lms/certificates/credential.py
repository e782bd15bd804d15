"""The certificate's data as an Open Badges 3.0 credential (a W3C Verifiable Credential) in
VC-JWT form, signed with the instance's Ed25519 key (EdDSA). Nothing here touches Flask or
the database: the claims are built from a ``CertificateFacts`` and signed with a ``Signer``.

The same JWT is the certificate's signed record: the verification page checks its signature
against the published key and compares its claims with what the database says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lms.certificates.keys import ALGORITHM, Signer

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states, as signed."""

    code: str
    number: str
    holder_name: str
    holder_nip: str
    title: str
    course_slug: str
    jp: int
    competencies: tuple[tuple[str, str, int], ...]  # (code, name, level)
    completed_at: datetime  # naive UTC
    completed_on: date  # the local date it shows
    agency_name: str
    base_url: str

    @property
    def verify_url(self) -> str:
        """The public verification page of this certificate."""
        return f"{self.base_url.rstrip('/')}/verifikasi/{self.code}"


def _timestamp(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def credential_claims(facts: CertificateFacts) -> dict[str, Any]:
    """The JWT claims: ``vc`` holds the OpenBadgeCredential; iss, jti and nbf repeat it."""
    base = facts.base_url.rstrip("/")
    achievement: dict[str, Any] = {
        "id": f"{base}/kursus/{facts.course_slug}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": facts.title,
        "description": f"Pelatihan e-learning {facts.title} ({facts.jp} JP).",
        "criteria": {"narrative": "Menyelesaikan semua materi dan lulus setiap kuis wajib."},
        "humanCode": facts.number,
        "alignment": [{"type": ["Alignment"], "targetCode": code, "targetName": name,
                       "targetDescription": f"Level {level}",
                       "targetUrl": f"urn:kelas-asn:kompetensi:{code}:level:{level}"}
                      for code, name, level in facts.competencies],
    }
    vc = {
        "@context": CONTEXTS,
        "id": facts.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.title,
        "issuer": {"id": base, "type": ["Profile"], "name": facts.agency_name},
        "validFrom": _timestamp(facts.completed_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False,
                 "identityHash": facts.holder_name},
                {"type": "IdentityObject", "identityType": "identifier", "hashed": False,
                 "identityHash": facts.holder_nip},
            ],
            "achievement": achievement,
            "result": [{"type": ["Result"], "value": str(facts.jp),
                        "resultDescription": "JP (jam pelajaran)"}],
            "activityEndDate": _timestamp(facts.completed_at),
        },
    }
    return {"iss": base, "jti": facts.verify_url,
            "nbf": int(facts.completed_at.replace(tzinfo=UTC).timestamp()), "vc": vc}


def sign_credential(facts: CertificateFacts, signer: Signer) -> str:
    """The compact VC-JWT (Ed25519 signatures are deterministic: the same facts and key
    always give the same token)."""
    return jwt.encode(credential_claims(facts), signer.private_key, algorithm=ALGORITHM,
                      headers={"kid": signer.kid, "typ": "JWT"})


def key_id(token: str) -> str | None:
    """The kid of a VC-JWT's header, or None when it is not a JWT."""
    try:
        return jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None


def verified_claims(token: str, key_for: Callable[[str], Ed25519PublicKey | None]
                    ) -> dict[str, Any] | None:
    """The claims of a VC-JWT whose signature the published key of its kid confirms, else
    None. No time checks: a certificate does not expire."""
    kid = key_id(token)
    public = key_for(kid) if kid else None
    if public is None:
        return None
    try:
        return jwt.decode(token, public, algorithms=[ALGORITHM],
                          options={"verify_nbf": False, "verify_iat": False,
                                   "verify_exp": False, "verify_aud": False})
    except jwt.PyJWTError:
        return None


def _core(claims: dict[str, Any]) -> tuple:
    vc = claims.get("vc") or {}
    subject = vc.get("credentialSubject") or {}
    identifiers = {i.get("identityType"): i.get("identityHash")
                   for i in subject.get("identifier") or []}
    achievement = subject.get("achievement") or {}
    return (vc.get("id", "").rsplit("/", 1)[-1], achievement.get("humanCode"),
            identifiers.get("name"), identifiers.get("identifier"), achievement.get("name"),
            [r.get("value") for r in subject.get("result") or []], vc.get("validFrom"),
            [(a.get("targetCode"), a.get("targetDescription"))
             for a in achievement.get("alignment") or []])


def matches(claims: dict[str, Any], facts: CertificateFacts) -> bool:
    """True when the signed claims state what the database states now: code, number, name,
    NIP, course, JP, completion time and competency levels (the issuer's address and wording
    may change without making old certificates invalid)."""
    return _core(claims) == _core(credential_claims(facts))
