"""The conference news post (issue 27): drafted from the demo's 2023 conference and its
approved figures, it carries every figure of the seed article in the article's words;
the chair edits it with the one versioned save; HTML, Word and the command give the same
post; it reads only what the cluster-year's readers read."""

import io
import re
from pathlib import Path

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from emulation.news.draft import approximately, from_roman, to_roman, typeset
from emulation.news.models import NewsPost
from emulation.news.selectors import news_post
from provinces.models import Cluster, FiguresStatus, YearlyFigures
from tests.test_demo_article import ARTICLE, DISBURSEMENTS

pytestmark = pytest.mark.django_db

# The seed article of the project (shared/seed), kept with the tests.
SEED_ARTICLE = Path(__file__).parent / "data" / "2023-tay-bac-cluster-conference.txt"

# The article's own words around its figures, as the post must carry them.
PHRASES = [
    "thành lập mới 784 Tổ hợp tác (THT)",
    "lên 11.084 THT",
    "91.411 thành viên tham gia",
    "chiếm gần 70%",
    "236,8 triệu đồng/THT/năm",
    "43,7 triệu đồng/THT/năm",
    "thành lập mới 364 HTX",
    "52 HTX/tỉnh/năm",
    "4.169 HTX với tổng số 215.203 thành viên",
    "1.637 triệu đồng/HTX/năm",
    "177 triệu đồng/HTX/năm",
    "78.282 lao động thường xuyên với thu nhập bình quân đạt 51,3 triệu đồng/người/năm",
    "Liên minh HTX 7 tỉnh Tây Bắc đã tuyên truyền vận động thành lập mới 364 HTX",
    "65 phóng sự truyền hình, 134 bài báo",
    "1.371 tin, bài, phóng sự",
    "56 khóa với 4.752 lượt người tham gia",
    "135 lượt dự án vay vốn ưu đãi cho các HTX, THT với tổng số tiền đạt 62.375 triệu đồng",
    "120 dự án số tiền 61.175 triệu đồng",
    "Liên minh HTX 07 tỉnh",
    "Cụm trưởng: Liên minh HTX tỉnh Phú Thọ; Cụm phó: Liên minh HTX tỉnh Lào Cai",
    "Đồng chí Đỗ Nhân Đạo – UV BTV Liên minh HTX Việt Nam",
    "cho 03 tập thể",
    "cho 05 tập thể",
    "lần thứ XIII, năm 2024 cho Liên minh HTX tỉnh Lào Cai, Cụm phó Liên minh HTX tỉnh Lai Châu",
    "giao thông đi lại khó khăn",
    "Quy chế cho vay theo Nghị định 45",
]


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("\u00a0", " ")


@pytest.fixture
def tay_bac(demo_data):
    return Cluster.objects.get(slug="tay-bac")


def post_text(post) -> str:
    return plain(" ".join([post.title, post.lead, *post.paragraphs, *post.captions]))


def test_the_draft_carries_every_figure_of_the_article_in_its_words(tay_bac):
    post = news_post(cluster=tay_bac, year=2023)
    text, article = post_text(post), plain(SEED_ARTICLE.read_text())
    for phrase in PHRASES:
        assert phrase in text, phrase
        assert phrase.replace("Đồng chí", "đồng chí") in article or phrase in article, phrase
    for figure in [*ARTICLE.values(), *(amount for _, amount in DISBURSEMENTS.values())]:
        assert figure in text and figure in article, figure
    # The article's "Bản tinh" is a typo, written right.
    assert "phát hành 26 số Bản tin Kinh tế tập thể" in text
    assert "phát hành 26 số Bản tinh Kinh tế tập thể" in article
    assert post.title.startswith("LIÊN MINH HTX 7 TỈNH TÂY BẮC: TỔ CHỨC HỘI NGHỊ GIAO BAN")
    assert "LẦN THỨ XII NĂM 2023" in post.title
    assert post.lead.startswith("Ngày 30/11/2023, tại Trụ sở Liên minh Hợp tác xã tỉnh Phú Thọ")
    assert post.captions[0] == "Quang cảnh Hội nghị" and not post.edited
    assert post.draft.missing == []


# A figure of the article as the post must word it: the number, "gần"/"hơn" before a
# share, and the word after it (its unit: "784 Tổ", "11.084 THT"), or the money unit
# whole ("236,8 triệu đồng/THT/năm"); a year is "năm 2023".
FIGURE = re.compile(
    r"năm \d{4}|(?:\b(?:gần|hơn) )?\d+(?:[.,]\d+)*%?(?: (?:(?:nghìn|triệu|tỷ) )?[^\s,;.()]+)?"
)
# Every numeral of the article: 30/11/2023, 07, 11.084, 236,8, and the ordinals XII, XIII.
NUMERAL = re.compile(r"\d+(?:[.,/]\d+)*|\b[IVXLC]{2,}\b")


def article_paragraphs() -> list[str]:
    """The seed article's paragraphs, without the web page's furniture: its counters (a
    line that is only a number) and the comment form after the closing "./."."""
    text = SEED_ARTICLE.read_text().split("./.")[0] + "./."
    return [plain(p).strip() for p in text.split("\n") if p.strip() and not p.strip().isdigit()]


def results_paragraphs() -> list[str]:
    """The article's results of the year: the paragraphs that give money figures."""
    return [p for p in article_paragraphs() if "triệu đồng" in p]


def test_the_draft_carries_each_figure_of_the_articles_results_in_its_words(tay_bac):
    text = post_text(news_post(cluster=tay_bac, year=2023))
    results = results_paragraphs()
    figures = [figure for paragraph in results for figure in FIGURE.findall(paragraph)]
    assert len(results) == 2 and len(figures) >= 25  # the reading found the results
    assert "236,8 triệu đồng/THT/năm" in figures and "gần 70%" in figures
    assert [figure for figure in figures if figure not in text] == []


def test_the_draft_carries_every_numeral_of_the_article(tay_bac):
    numerals = set(NUMERAL.findall(post_text(news_post(cluster=tay_bac, year=2023))))
    article = {n for p in article_paragraphs() for n in NUMERAL.findall(p)}
    assert {"30/11/2023", "07", "03", "05", "45", "XII", "XIII", "62.375"} <= article
    assert article - numerals == set()


def test_the_draft_counts_approved_figures_only_and_never_explains_the_gap(tay_bac):
    before = post_text(news_post(cluster=tay_bac, year=2023))
    son_la = YearlyFigures.objects.get(year=2023, province__name="Sơn La")
    YearlyFigures.objects.filter(pk=son_la.pk).update(status=FiguresStatus.SUBMITTED)
    post = news_post(cluster=tay_bac, year=2023)
    after = post_text(post)
    assert "11.084 THT" in before and "11.084 THT" not in after
    assert "nâng tổng số THT của 6 tỉnh" in after
    assert "chưa" not in plain(" ".join(post.paragraphs[2:5]))  # the results: facts only
    assert [str(note) for note in post.draft.missing] == [
        "Số liệu của một số tỉnh chưa được duyệt: kết quả chỉ tính các tỉnh đã duyệt."
    ]


def test_without_a_conference_there_is_nothing_to_draft(tay_bac, client):
    post = news_post(cluster=tay_bac, year=2024)
    assert not post.has_text and post.draft.missing
    user = get_user_model().objects.get(username="laocai")  # the chair of 2024
    client.force_login(user)
    page = client.get(reverse("news:page", args=["tay-bac", 2024]))
    assert page.status_code == 200 and b"post-missing" in page.content
    assert client.get(reverse("news:docx", args=["tay-bac", 2024])).status_code == 404
    edit = client.get(reverse("news:edit", args=["tay-bac", 2024]))
    assert edit.status_code == 302


@pytest.mark.parametrize(
    ("username", "page", "edit"),
    [
        (None, 302, 302),
        ("laocai", 200, 403),  # a member, not the chair of 2023
        ("phutho", 200, 200),  # the chair of 2023
        ("admin", 200, 200),
    ],
)
def test_who_reads_and_who_edits_the_post(tay_bac, client, username, page, edit):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    assert client.get(reverse("news:page", args=["tay-bac", 2023])).status_code == page
    assert client.get(reverse("news:edit", args=["tay-bac", 2023])).status_code == edit
    assert client.get(reverse("news:html", args=["tay-bac", 2023])).status_code == page


def test_staff_of_another_cluster_read_nothing(tay_bac, client, make_staff):
    client.force_login(make_staff("Hà Giang", 2023))
    for name in ("page", "edit", "html", "docx"):
        assert client.get(reverse(f"news:{name}", args=["tay-bac", 2023])).status_code == 404


def posted(form, captions=None, **fields) -> dict:
    """What the edit page posts: its fields as shown, with `fields` changed, and one
    caption field per photo (`captions`, else those shown) plus the blank one for a new
    photo."""
    shown = [row.initial.get("caption", "") for row in form.photos.forms]
    captions = [c for c in shown if c] if captions is None else captions
    data = {**form.initial, "seen_version": 0, **fields}
    initial = min(len(shown) - 1, len(captions))
    data.update({"photo-TOTAL_FORMS": len(captions) + 1, "photo-INITIAL_FORMS": initial})
    data.update({f"photo-{i}-caption": caption for i, caption in enumerate([*captions, ""])})
    return data


def test_the_chair_edits_with_history_and_a_stale_save_keeps_what_was_typed(tay_bac, client):
    chair = get_user_model().objects.get(username="phutho")
    client.force_login(chair)
    url = reverse("news:edit", args=["tay-bac", 2023])
    form = client.get(url).context["form"]
    data = posted(form, title="Hội nghị giao ban Cụm thi đua Tây Bắc lần thứ XII")
    assert client.post(url, data).status_code == 302
    saved = NewsPost.objects.get(cluster=tay_bac, year=2023)
    assert saved.version == 1 and saved.history.count() == 1
    assert saved.history.first().history_user == chair
    page = client.get(reverse("news:page", args=["tay-bac", 2023]))
    assert "Hội nghị giao ban Cụm thi đua Tây Bắc lần thứ XII" in page.content.decode()

    stale = {**data, "title": "Tiêu đề gõ sau", "seen_version": 0}
    refused = client.post(url, stale)
    assert refused.status_code == 409
    assert "Tiêu đề gõ sau" in refused.content.decode()
    assert NewsPost.objects.get(pk=saved.pk).title == data["title"]

    again = client.post(url, {**stale, "seen_version": 1})
    assert again.status_code == 302
    saved.refresh_from_db()
    assert saved.version == 2 and saved.history.count() == 2

    redraft = client.get(url + "?soan-lai=1").context["form"].initial
    assert redraft["title"].startswith("LIÊN MINH HTX 7 TỈNH TÂY BẮC")


def test_an_empty_title_is_refused_and_nothing_saved(tay_bac, client):
    client.force_login(get_user_model().objects.get(username="phutho"))
    url = reverse("news:edit", args=["tay-bac", 2023])
    data = posted(client.get(url).context["form"], title=" ")
    response = client.post(url, data)
    assert response.status_code == 400 and not NewsPost.objects.exists()


def test_html_word_and_the_command_give_the_same_post(tay_bac, client, tmp_path):
    client.force_login(get_user_model().objects.get(username="laocai"))
    post = news_post(cluster=tay_bac, year=2023)
    html = client.get(reverse("news:html", args=["tay-bac", 2023]))
    assert html["Content-Disposition"] == 'attachment; filename="tin-hoi-nghi-tay-bac-2023.html"'
    body = html.content.decode()
    assert "<script" not in body and "<style" not in body and 'lang="vi"' in body
    word = client.get(reverse("news:docx", args=["tay-bac", 2023]))
    document = docx.Document(io.BytesIO(word.content))
    lines = [p.text for p in document.paragraphs]
    assert lines[0] == post.shown_title and lines[1] == post.shown_lead
    for paragraph in post.paragraphs:
        assert typeset(paragraph) in lines
    assert all(typeset(caption) in lines for caption in post.captions)
    # A number and its unit never part at the end of a line, in Word and on the website.
    assert "236,8\u00a0triệu\u00a0đồng/THT/năm" in " ".join(lines)
    assert "236,8\u00a0triệu\u00a0đồng/THT/năm" in body and "784\u00a0Tổ hợp tác" in body
    assert all(run.font.name == "Times New Roman" for p in document.paragraphs for run in p.runs)
    for fmt, served in (("html", html.content), ("docx", None)):
        target = tmp_path / f"post.{fmt}"
        call_command(
            "news_post",
            cluster="tay-bac",
            year=2023,
            format=fmt,
            output=str(target),
            stdout=io.StringIO(),
        )
        if served is not None:
            assert target.read_bytes() == served
        else:
            assert [p.text for p in docx.Document(target).paragraphs] == lines


def test_numerals_and_shares():
    assert from_roman("XII") == 12 and to_roman(13) == "XIII" and from_roman("IIX") is None
    assert approximately(69.6) == "gần 70%" and approximately(40.4) == "hơn 40%"
    assert approximately(55) == "55,0%"
