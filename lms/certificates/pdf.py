"""The certificate as a PDF: A4 landscape, in Bahasa Indonesia, drawn with fpdf2; the QR code
(segno) is drawn as vector squares, so it prints sharp at any size. No Flask, no database:
the same ``CertificatePage`` always gives the same bytes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import segno
from fpdf import FPDF

from lms.certificates.credential import CertificateFacts

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
WIDTH, HEIGHT = 297, 210  # mm
NAVY = (22, 45, 84)
GOLD = (176, 141, 58)


@dataclass(frozen=True)
class CertificatePage:
    """Everything printed on the certificate."""

    facts: CertificateFacts
    signer_name: str
    signer_position: str
    issued_at: datetime  # naive UTC, the PDF's creation date
    logo: Path | None = None


def indonesian_date(day) -> str:
    """17 Juni 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nip_display(nip: str) -> str:
    """``YYYYMMDD YYYYMM G NNN`` for an 18-digit NIP."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if len(nip) == 18 else nip


def _latin(text: str) -> str:
    """Text the PDF's built-in fonts can show (Windows-1252): typographic quotes and dashes
    stay, accents outside it fall back to their base letter."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore").decode("cp1252")
            out.append(base or "?")
    return "".join(out)


class _Pdf(FPDF):
    def centred(self, text: str, size: float, style: str = "", height: float | None = None,
                colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*colour)
        self.set_x(20)
        self.multi_cell(WIDTH - 40, height or size * 0.5, _latin(text), align="C",
                        new_x="LMARGIN", new_y="NEXT")


def render_pdf(page: CertificatePage) -> bytes:
    """The certificate's PDF bytes."""
    facts = page.facts
    pdf = _Pdf(orientation="landscape", unit="mm", format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # what _latin() keeps
    pdf.set_creation_date(page.issued_at.replace(tzinfo=UTC))
    pdf.set_title(_latin(f"Sertifikat {facts.number}"))
    pdf.set_author(_latin(facts.agency_name))
    pdf.set_subject(_latin(facts.title))
    pdf.set_creator("Kelas ASN")
    pdf.set_producer("Kelas ASN")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    _frame(pdf)

    top = 20
    if page.logo is not None and page.logo.is_file():
        pdf.image(str(page.logo), x=WIDTH / 2 - 11, y=top, h=22)
        top += 25
    pdf.set_y(top)
    pdf.centred(facts.agency_name.upper(), 14, "B", colour=NAVY)
    pdf.ln(3)
    pdf.centred("SERTIFIKAT", 34, "B", height=14, colour=NAVY)
    pdf.centred(f"Nomor: {facts.number}", 11, colour=(80, 80, 80))
    pdf.ln(4)
    pdf.centred("diberikan kepada", 12)
    pdf.ln(1)
    pdf.centred(facts.holder_name, 24, "B", height=11)
    pdf.centred(f"NIP {nip_display(facts.holder_nip)}", 12)
    pdf.ln(3)
    pdf.centred("yang telah menyelesaikan pelatihan e-learning", 12)
    pdf.ln(1)
    pdf.centred(facts.title, 18, "B", height=8, colour=NAVY)
    pdf.ln(1)
    pdf.centred(f"sebanyak {facts.jp} JP (jam pelajaran), selesai pada "
                f"{indonesian_date(facts.completed_on)}", 12)
    if facts.competencies:
        listed = "; ".join(f"{code} {name} (level {level})"
                           for code, name, level in facts.competencies)
        pdf.ln(1)
        pdf.centred(f"Kompetensi yang dikembangkan: {listed}", 10, height=5,
                    colour=(60, 60, 60))
    _qr(pdf, facts.verify_url)
    _signature(pdf, page)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(110, 110, 110)
    pdf.set_xy(20, HEIGHT - 17)
    pdf.cell(WIDTH - 40, 4, _latin(
        "Sertifikat elektronik ini ditandatangani secara digital (Ed25519) dan dapat diperiksa "
        f"keasliannya di {facts.verify_url}"), align="C")
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, WIDTH - 22, HEIGHT - 22)


def _qr(pdf: FPDF, url: str) -> None:
    """The QR code of the verification URL at the bottom left, linked to the same URL."""
    matrix = segno.make(url, error="m", micro=False).matrix
    size, x0, y0 = 32.0, 24.0, HEIGHT - 58.0
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(x0 + col * module, y0 + row * module, module, module, style="F")
    pdf.link(x0, y0, size, size, url)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(60, 60, 60)
    pdf.set_xy(x0 - 2, y0 + size + 1)
    pdf.cell(size + 4, 3, "Pindai untuk verifikasi", align="C")


def _signature(pdf: FPDF, page: CertificatePage) -> None:
    """The issuing official at the bottom right, with room for a certified signature."""
    x, width, y = WIDTH - 110, 86, HEIGHT - 62
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, 5, _latin(page.signer_position), align="C",
                   new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x, y + 27)
    pdf.set_font("Helvetica", "BU", 11)
    pdf.cell(width, 5, _latin(page.signer_name), align="C")
