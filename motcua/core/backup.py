"""Encrypted backups: the whole record (every model as DB-independent JSON) and the uploaded files in one
archive, and its restore into an empty database (docs/operations.md).

The archive is a tar.gz (`data.json` from Django's serializer with natural foreign keys, `media/…` from
MEDIA_ROOT) encrypted as a stream of AES-256-GCM chunks: header = magic + scrypt salt; key = scrypt of
MOTCUA_BACKUP_KEY with that salt; chunk i's nonce = i (11 bytes) + 1 if last else 0, the header as
associated data. A changed, reordered, truncated or extended chunk, or a wrong key, fails authentication.
Nothing is restored before the whole archive has been decrypted and checked.
"""

import io
import os
import shutil
import struct
import tarfile
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

MAGIC = b"MOTCUA-BACKUP-1\n"
CHUNK = 1 << 20
# Rows that migrations (or `flush`) create by themselves: a database holding only these is empty, and the
# backup leaves out the first two (natural keys name them instead).
NOT_DUMPED = ("contenttypes.ContentType", "auth.Permission")
SEEDED = {*NOT_DUMPED, "indicators.IndexClock", "core.AuditTail"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Vietnamese."""


def _key(secret: str | None, salt: bytes) -> bytes:
    if not secret:
        raise BackupError("Chưa đặt khóa sao lưu: biến môi trường MOTCUA_BACKUP_KEY.")
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(secret.encode("utf-8"))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given, chunk by chunk, into `out`."""

    def __init__(self, out, secret: str):
        salt = os.urandom(16)
        self.header = MAGIC + salt
        self.aead = AESGCM(_key(secret, salt))
        self.out, self.buffer, self.index = out, bytearray(), 0
        out.write(self.header)

    def writable(self):
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.index, last), plain, self.header)
        self.out.write(struct.pack(">?I", last, len(sealed)) + sealed)
        self.index += 1

    def close(self):
        if not self.closed:
            self._emit(bytes(self.buffer), last=True)
            self.buffer.clear()
        super().close()


def decrypt_chunks(source, secret: str):
    """Yield the plaintext chunks of an archive; raise BackupError on a wrong key or any change."""
    header = source.read(len(MAGIC) + 16)
    if len(header) != len(MAGIC) + 16 or not header.startswith(MAGIC):
        raise BackupError("Tệp không phải bản sao lưu motcua.")
    aead = AESGCM(_key(secret, header[len(MAGIC):]))
    index = 0
    while True:
        prefix = source.read(5)
        if len(prefix) < 5:
            raise BackupError("Bản sao lưu bị cắt cụt (thiếu phần cuối).")
        last, size = struct.unpack(">?I", prefix)
        sealed = source.read(size)
        try:
            plain = aead.decrypt(_nonce(index, last), sealed, header)
        except InvalidTag:
            if index == 0:
                raise BackupError("Khóa sao lưu không đúng, hoặc tệp đã bị sửa.") from None
            raise BackupError(f"Bản sao lưu đã bị sửa hoặc hỏng (phần thứ {index + 1}).") from None
        yield plain
        index += 1
        if last:
            if source.read(1):
                raise BackupError("Bản sao lưu có dữ liệu thừa sau phần cuối.")
            return


def _media_files(root: Path):
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def backup(out_path: Path, secret: str) -> dict:
    """Write the encrypted archive to `out_path`; return what it holds ({"rows": n, "files": n})."""
    media = Path(settings.MEDIA_ROOT)
    _key(secret, b"\x00" * 16)  # fail before any work when no key is set
    out_path = Path(out_path)
    partial = out_path.with_name(out_path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="motcua-backup-") as work:
        os.chmod(work, 0o700)
        data = Path(work) / "data.json"
        call_command("dumpdata", natural_foreign=True, exclude=list(NOT_DUMPED), output=str(data), indent=None,
                     use_base_manager=True, verbosity=0)
        files = 0
        with open(partial, "wb") as raw, EncryptingWriter(raw, secret) as writer, \
                tarfile.open(fileobj=writer, mode="w|gz") as tar:
            tar.add(data, arcname="data.json")
            for path in _media_files(media):
                tar.add(path, arcname="media/" + path.relative_to(media).as_posix())
                files += 1
    os.replace(partial, out_path)
    return {"files": files}


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks):
        self.chunks, self.pending = chunks, b""

    def readable(self):
        return True

    def readinto(self, target) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self.pending))
        target[:n], self.pending = self.pending[:n], self.pending[n:]
        return n


def non_empty_models() -> list[str]:
    return [model._meta.label for model in apps.get_models()
            if model._meta.label not in SEEDED and model._meta.managed and not model._meta.proxy
            and model._base_manager.using("default").exists()]


def restore(in_path: Path, secret: str) -> dict:
    """Restore an archive into an empty database (and MEDIA_ROOT); refuse a database holding any record."""
    occupied = non_empty_models()
    if occupied:
        raise BackupError("Cơ sở dữ liệu không trống (" + ", ".join(occupied[:5]) +
                          (", …" if len(occupied) > 5 else "") + "): chỉ khôi phục vào cơ sở dữ liệu trống.")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="motcua-restore-") as work:
        os.chmod(work, 0o700)
        work = Path(work)
        # Decrypt and unpack everything first: a wrong key or a changed byte stops here, before any change.
        with open(in_path, "rb") as source, \
                tarfile.open(fileobj=io.BufferedReader(_ChunkReader(decrypt_chunks(source, secret))),
                             mode="r|gz") as tar:
            for member in tar:
                name = Path(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts:
                    raise BackupError(f"Bản sao lưu chứa mục không hợp lệ: {member.name}")
                target = work / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as stream, open(target, "wb") as out:
                    shutil.copyfileobj(stream, out)
        if not (work / "data.json").is_file():
            raise BackupError("Bản sao lưu không có dữ liệu (data.json).")
        call_command("loaddata", str(work / "data.json"), verbosity=0)
        files = 0
        for path in _media_files(work / "media"):
            target = media / path.relative_to(work / "media")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            files += 1
    return {"files": files}
