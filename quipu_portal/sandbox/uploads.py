"""Attachment files: stored in memory, images get a 500 px preview and a 100 px thumbnail."""

import io
import mimetypes
import re

from PIL import Image, UnidentifiedImageError

SIZES = {"preview_": 500, "thumbnail_": 100}


def safe_filename(name: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", (name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return base.strip("._") or "file"


def make_attachment(attachment_id: int, key: str, filename: str, content_type: str, content: bytes) -> dict:
    filename = safe_filename(filename)
    guessed = mimetypes.guess_type(filename)[0]
    attachment = {
        "id": attachment_id,
        "key": key,
        "filename": filename,
        "content_type": content_type
        if content_type != "application/octet-stream"
        else guessed or content_type,
        "content": content,
        "small": None,
        "thumbnail": None,
    }
    try:
        image = Image.open(io.BytesIO(content))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return attachment
    attachment["small"] = _scaled(image, SIZES["preview_"])
    attachment["thumbnail"] = _scaled(image, SIZES["thumbnail_"])
    attachment["image_format"] = image.format or "PNG"
    return attachment


def _scaled(image, size: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((size, size))
    out = io.BytesIO()
    if copy.mode not in ("RGB", "RGBA", "L"):
        copy = copy.convert("RGBA")
    copy.save(out, format=image.format if image.format in ("PNG", "JPEG", "GIF") else "PNG")
    return out.getvalue()


def file_variant(attachment: dict, requested_name: str) -> tuple[bytes, str] | None:
    """The bytes and content type served at one of the attachment's urls."""
    name = attachment["filename"]
    if requested_name == name:
        return attachment["content"], attachment["content_type"]
    for prefix, key in (("preview_", "small"), ("thumbnail_", "thumbnail")):
        if requested_name == prefix + name and attachment.get(key):
            return attachment[key], attachment["content_type"]
    return None
