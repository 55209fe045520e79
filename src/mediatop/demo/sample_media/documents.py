"""The sample library's documents: hand-written PDFs (with and without a text layer or
metadata), a Word file, a CSV and a text file."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mediatop.demo.sample_media.common import write_zip

Page = tuple[str, list[str]]


def pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def page_stream(heading: str, lines: list[str]) -> bytes:
    """PDF drawing operators for one page: a heading, a rule and body text."""
    body = " T* ".join(f"({pdf_escape(line)}) Tj" for line in lines)
    return (
        f"BT /F2 20 Tf 72 740 Td ({pdf_escape(heading)}) Tj ET\n"
        f"0.12 0.37 0.25 RG 2 w 72 728 m 540 728 l S\n"
        f"BT /F1 11 Tf 15 TL 72 700 Td {body} ET\n"
    ).encode("latin-1")


def write_text_pdf(path: Path, pages: list[Page], info: dict[str, str] | None) -> None:
    """A minimal valid PDF with real text on each page, written by hand."""
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    kids = []
    for heading, lines in pages:
        stream = page_stream(heading, lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % len(objects)
        )
        kids.append(f"{len(objects)} 0 R")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    if info:
        entries = " ".join(f"/{key} ({pdf_escape(value)})" for key, value in info.items())
        objects.append(f"<< {entries} >>".encode("latin-1"))

    data = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_ref = f" /Info {len(objects)} 0 R" if info else ""
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info_ref} >>\n".encode()
    data += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(data))


USER_GUIDE: list[Page] = [
    (
        "Northwind Trail Backpack: User Guide",
        [
            "Thank you for choosing the Northwind Trail Backpack.",
            "This guide covers fitting, packing and caring for your pack.",
            "",
            "1. Fitting the harness",
            "Loosen all straps, load the pack with about 8 kg and put it on.",
            "Tighten the hip belt so it sits on your hip bones, then the shoulder",
            "straps, then the load lifters until they run at about 45 degrees.",
        ],
    ),
    (
        "Packing",
        [
            "Heavy items go close to your back and between your shoulder blades.",
            "Keep rain gear and snacks in the lid pocket for quick access.",
            "The side pockets take a 1 litre bottle each.",
        ],
    ),
    (
        "Care and warranty",
        [
            "Hand wash in lukewarm water with mild soap and air dry in the shade.",
            "Never machine wash or tumble dry the pack.",
            "Northwind repairs manufacturing faults free of charge for 10 years.",
        ],
    ),
]


ANNUAL_REPORT: list[Page] = [
    (
        "Annual Report 2024",
        [
            "Revenue grew 18 percent to 4.2 million, led by online sales.",
            "We opened a repair workshop and mended 3,100 items for customers.",
        ],
    ),
    (
        "Outlook",
        [
            "In 2025 we will launch the rain shell line and a second warehouse.",
        ],
    ),
]


GIFT_GUIDE: list[Page] = [
    (
        "Gift Guide 2025",
        [
            "Under 20: camp mug, enamel pin set, trail snacks sampler.",
            "Under 100: trail backpack, merino beanie, headlamp.",
        ],
    ),
    ("For the whole family", ["Gift cards from 10 to 500, delivered by email."]),
]


SPRING_LOOKBOOK: list[Page] = [
    (
        "Spring Lookbook 2026",
        ["Light layers for long days: linen shirts, shell jackets, canvas totes."],
    ),
    ("Colours", ["Forest, sand and ink, plus a limited run in sunrise orange."]),
]


def scanned_page() -> Image.Image:
    """A greyscale 'scan' of a signed page: no text layer, only pixels."""
    rng = np.random.default_rng(31)
    page = Image.new("L", (850, 1100), 246)
    draw = ImageDraw.Draw(page)
    draw.rectangle([90, 90, 420, 112], fill=40)
    for row in range(30):
        y = 160 + row * 26
        draw.rectangle(
            [90, y, 90 + int(rng.integers(400, 670)), y + 8], fill=int(rng.integers(50, 90))
        )
    xs = np.linspace(520, 740, 40)
    draw.line([*zip(xs, 1000 + 18 * np.sin(xs / 9), strict=True)], fill=30, width=3)
    noisy = np.asarray(page, dtype=float) + rng.normal(0, 6, (1100, 850))
    return Image.fromarray(noisy.clip(0, 255).astype("uint8")).rotate(0.6, fillcolor=246)


def write_scanned_pdf(path: Path) -> None:
    fixed = time.struct_time((2024, 11, 14, 10, 5, 0, 3, 319, 0))
    scanned_page().save(path, "PDF", resolution=100.0, title="", creationDate=fixed, modDate=fixed)


OOXML = "http://schemas.openxmlformats.org"


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


DOCX_CONTENT_TYPES = f"""{XML_DECLARATION}<Types xmlns="{OOXML}/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml"
 ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""


DOCX_RELATIONSHIPS = f"""{XML_DECLARATION}<Relationships xmlns="{OOXML}/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="{OOXML}/officeDocument/2006/relationships/officeDocument"/>
<Relationship Id="rId2" Target="docProps/core.xml"
 Type="{OOXML}/package/2006/relationships/metadata/core-properties"/>
</Relationships>"""


def write_docx(path: Path, title: str, paragraphs: list[str]) -> None:
    """A minimal Word document that Word and LibreOffice open."""
    core = (
        f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="{OOXML}/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:creator>Northwind Outfitters</dc:creator>"
        "</cp:coreProperties>"
    )
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        f'{XML_DECLARATION}<w:document xmlns:w="{OOXML}/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": DOCX_CONTENT_TYPES,
        "_rels/.rels": DOCX_RELATIONSHIPS,
        "docProps/core.xml": core,
        "word/document.xml": document,
    }
    write_zip(path, {name: text.encode() for name, text in parts.items()})


def build_documents(out: Path) -> None:
    write_text_pdf(
        out / "2024/05/user-guide.pdf",
        USER_GUIDE,
        {
            "Title": "Northwind Trail Backpack - User Guide",
            "Author": "Northwind Outfitters",
            "Subject": "Fitting, packing and care instructions",
            "Creator": "Northwind docs team",
        },
    )
    write_text_pdf(out / "2024/11/annual-report-2024.pdf", ANNUAL_REPORT, None)
    write_text_pdf(
        out / "2026/03/spring-lookbook.pdf",
        SPRING_LOOKBOOK,
        {"Title": "Spring Lookbook 2026", "Author": "Northwind Outfitters"},
    )
    write_text_pdf(
        out / "2025/11/gift-guide-2025.pdf",
        GIFT_GUIDE,
        {
            "Title": "Gift Guide 2025",
            "Author": "Northwind Outfitters",
        },
    )
    write_scanned_pdf(out / "2024/11/signed-contract-scan.pdf")
    write_docx(
        out / "2025/06/price-list-2025.docx",
        "Price list 2025",
        [
            "Northwind Outfitters - wholesale price list 2025",
            "Trail backpack: 54.00",
            "Camp mug: 7.90",
            "Rain shell: 78.00",
        ],
    )
    subscribers = ["email,name,subscribed_at"] + [
        f"reader{i:02d}@example.com,Reader {i},2025-02-{i + 1:02d}" for i in range(1, 21)
    ]
    (out / "2025/02/newsletter-subscribers.csv").write_text("\n".join(subscribers) + "\n")
    (out / "2025/06/release-notes.txt").write_text(
        "Shop release notes, June 2025\n\n"
        "- Faster product pages: images now served as WebP where supported.\n"
        "- New size guide on every product page.\n"
    )
