"""What the commands' arguments name, checked once for every command."""

from pathlib import Path

from django.core.management.base import CommandError

from provinces.organisation.models import Cluster


def cluster_argument(slug: str) -> Cluster:
    """The cluster `--cluster` names, or an error listing the slugs there are."""
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None:
        slugs = ", ".join(Cluster.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"Không có cụm “{slug}”. Các cụm: {slugs}.")
    return cluster


def output_path(output: str) -> Path:
    """The file `-o` names, in a folder that exists."""
    target = Path(output)
    if target.parent.exists() and not target.parent.is_dir():
        raise CommandError(f"{target.parent} là một tệp, không phải thư mục.")
    if not target.parent.is_dir():
        raise CommandError(f"Thư mục {target.parent} không tồn tại.")
    return target


def write_output(target: Path, data: bytes) -> None:
    """The file written, or a readable error (a folder, a read-only place, a full disk)."""
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from None
