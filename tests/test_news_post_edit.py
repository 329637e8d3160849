"""The chair's edit of the news post: one caption field per photo, saved and versioned with
the post and exported under its photo; what the chair types reaches the website's HTML as
text, never as markup, and Word as text, never as a field; control characters pasted
from Word never break the Word export."""

import io
import re

import docx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from emulation.news.models import NewsPost
from provinces.models import Cluster
from tests.test_news_post import posted

pytestmark = pytest.mark.django_db

EDIT = reverse("news:edit", args=["tay-bac", 2023])


@pytest.fixture
def chair(demo_data, client):
    client.force_login(get_user_model().objects.get(username="phutho"))
    return client


def saved_post() -> NewsPost:
    return NewsPost.objects.get(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)


def word_lines(client) -> list[str]:
    answer = client.get(reverse("news:docx", args=["tay-bac", 2023]))
    return [p.text for p in docx.Document(io.BytesIO(answer.content)).paragraphs]


def test_each_photo_has_its_own_caption_field(chair):
    page = chair.get(EDIT)
    photos = page.context["form"].photos
    shown = [row.initial.get("caption", "") for row in photos.forms]
    assert shown == [
        "Quang cảnh Hội nghị",
        "Đồng chí Đỗ Nhân Đạo – UV BTV Liên minh HTX Việt Nam, Chủ tịch Liên minh HTX tỉnh "
        "Yên Bái phát biểu chỉ đạo tại Hội nghị",
        "Một số hình ảnh tại Hội nghị",
        "",  # the next photo
    ]
    html = page.content.decode()
    for number in range(4):
        assert f'name="photo-{number}-caption"' in html
    assert "Chú thích ảnh 2" in html and 'name="captions"' not in html


def test_captions_are_saved_versioned_and_exported_under_their_photo(chair):
    form = chair.get(EDIT).context["form"]
    first = ["Toàn cảnh hội trường", "Đại biểu phát biểu", "Ảnh lưu niệm"]
    assert chair.post(EDIT, posted(form, captions=first)).status_code == 302
    form = chair.get(EDIT).context["form"]
    # The second photo dropped (its field emptied), a fourth added.
    second = ["Toàn cảnh hội trường", "", "Ảnh lưu niệm", "Trao Cờ luân lưu cho Lào Cai"]
    data = posted(form, captions=second, seen_version=1)
    assert chair.post(EDIT, data).status_code == 302

    post = saved_post()
    assert post.caption_list == [c for c in second if c] and post.version == 2
    assert [h.captions.splitlines() for h in post.history.order_by("history_date")] == [
        first,
        [c for c in second if c],
    ]
    html = chair.get(reverse("news:html", args=["tay-bac", 2023])).content.decode()
    figures = re.findall(r"<figcaption><em>(.*?)</em></figcaption>", html)
    assert figures == ["Toàn cảnh hội trường", "Ảnh lưu niệm", "Trao Cờ luân lưu cho Lào Cai"]
    # The hall's photo after the guests' paragraph, the others at the end.
    assert html.index("Dự và chỉ đạo") < html.index("Toàn cảnh") < html.index("Tính đến cuối")
    assert html.index("./.") < html.index("Ảnh lưu niệm")
    lines = word_lines(chair)
    hall = lines.index("Toàn cảnh hội trường")
    assert lines[hall - 1] == "[Ảnh]" and lines[hall - 2].startswith("Dự và chỉ đạo")
    assert lines[-4:] == ["[Ảnh]", "Ảnh lưu niệm", "[Ảnh]", "Trao Cờ luân lưu cho Lào Cai"]


def test_a_caption_too_long_is_refused_on_its_field_and_nothing_saved(chair):
    form = chair.get(EDIT).context["form"]
    answer = chair.post(EDIT, posted(form, captions=["Quang cảnh", "x" * 301]))
    assert answer.status_code == 400 and not NewsPost.objects.exists()
    assert answer.context["form"].photos.forms[1].errors["caption"]
    assert "Hãy sửa chú thích ảnh được đánh dấu đỏ." in answer.content.decode()


MARKUP = {
    "title": '<script>alert("tiêu đề")</script> Hội nghị',
    "lead": '=HYPERLINK("http://evil.example","bấm") & <b onmouseover=alert(1)>sapo</b>',
    "body": 'Đoạn một <img src=x onerror=alert(1)>\n<a href="javascript:alert(2)">đoạn hai</a>',
}
CAPTION = "--></figcaption><script>alert(3)</script><!--"


def test_what_the_chair_types_is_text_in_the_html_and_word_exports(chair):
    form = chair.get(EDIT).context["form"]
    data = posted(form, captions=[CAPTION], **MARKUP)
    assert chair.post(EDIT, data).status_code == 302
    html = chair.get(reverse("news:html", args=["tay-bac", 2023])).content.decode()
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<b " not in html
    assert "&lt;script&gt;alert(&quot;tiêu đề&quot;)&lt;/script&gt; Hội nghị" in html
    assert "Đoạn một &lt;img src=x onerror=alert(1)&gt;" in html
    assert "--&gt;&lt;/figcaption&gt;&lt;script&gt;" in html
    assert html.count("<figure>") == 1 and html.count("</figcaption>") == 1

    answer = chair.get(reverse("news:docx", args=["tay-bac", 2023]))
    document = docx.Document(io.BytesIO(answer.content))
    lines = [p.text for p in document.paragraphs]
    assert lines[1].startswith('=HYPERLINK("http://evil.example","bấm") & <b onmouseover')
    assert CAPTION in lines and "Đoạn một <img src=x onerror=alert(1)>" in lines
    xml = document.element.xml
    assert "instrText" not in xml and "fldSimple" not in xml and "hyperlink" not in xml


def test_word_breaks_pasted_into_the_body_become_paragraphs_other_controls_are_refused(chair):
    form = chair.get(EDIT).context["form"]
    data = posted(form, body="Đoạn một\x0bĐoạn hai\x0cĐoạn ba", title="Tiêu\x0bđề")
    assert chair.post(EDIT, data).status_code == 302
    post = saved_post()
    assert post.paragraphs == ["Đoạn một", "Đoạn hai", "Đoạn ba"] and post.title == "Tiêu đề"

    refused = chair.post(EDIT, posted(form, title="Tiêu\x01đề", seen_version=1))
    assert refused.status_code == 400
    assert refused.context["form"].errors["title"] == [
        "Chuỗi có ký tự điều khiển (như NUL): hãy bỏ chúng đi."
    ]
    assert saved_post().version == 1


def test_a_control_character_saved_outside_the_form_never_breaks_the_word_export(chair):
    form = chair.get(EDIT).context["form"]
    assert chair.post(EDIT, posted(form)).status_code == 302
    NewsPost.objects.update(title="Tiêu\x01đề", body="Đoạn\x1bmột")  # the admin, a script
    lines = word_lines(chair)
    assert lines[0] == "TIÊU ĐỀ" and "Đoạn một" in lines
