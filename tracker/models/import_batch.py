"""Uploaded CSV files kept between the import preview and the user's confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class ImportBatch(Base):
    """One uploaded file, readable only by the user who uploaded it.

    Stored server-side (not in the session cookie, which is too small and user-held) and
    checked again on confirmation, so what is written is exactly what was previewed.
    """

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("kind IN ('organisations', 'people')", name="kind_valid"),
        Index("ix_import_batch_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable: it is the only handle the browser gets.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    uploaded_by_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.kind} {self.filename!r}>"
