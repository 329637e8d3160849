"""The upload pipeline on the command line: the same import as the web page, with the
file size checked before the file is read, the errors listed one a line on stderr and a
non-zero exit (CommandError) when anything is wrong: nothing is changed then."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from cluster_portal.number_style import format_exact

from .pipeline import UploadReport
from .reading import FileProblem, check_upload_size


def add_arguments(parser) -> None:
    parser.add_argument("file", help="tệp .xlsx hoặc .csv (UTF-8)")
    parser.add_argument(
        "--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không lưu gì"
    )
    parser.add_argument(
        "--user",
        dest="username",
        help="tên đăng nhập của người nhập: áp dụng quyền của người đó và ghi vào lịch sử "
        "(bỏ trống: nhập với quyền hệ thống)",
    )


def run_command_import(
    command, run: Callable[..., UploadReport], *, file: str, dry_run: bool, username: str | None
) -> UploadReport:
    """Run `run` (a feature's import service) on FILE; CommandError on any problem."""
    user = None
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}” (hoặc tài khoản đã bị khóa).")
    path = Path(file)
    try:
        check_upload_size(path.stat().st_size)  # before reading it into memory
        data = path.read_bytes()
    except FileProblem as exc:
        raise CommandError(f"Không nhập tệp {path.name}: {exc}") from None
    except FileNotFoundError:
        raise CommandError(f"Không tìm thấy tệp {file}.") from None
    except OSError:
        raise CommandError(f"Không đọc được tệp {file}.") from None
    report = run(data=data, filename=path.name, user=user, dry_run=dry_run)
    if not report.ok:
        for error in report.errors:
            command.stderr.write(str(error) if error.row is not None else f"Cả tệp: {error}")
        raise CommandError(
            f"Không nhập gì: tệp {path.name} có {format_exact(len(report.errors))} lỗi "
            "(liệt kê ở trên). Không có thay đổi nào được lưu."
        )
    return report
