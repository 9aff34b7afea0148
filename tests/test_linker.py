"""Customer linking over many names that share words: the best-first search with its bound finds exactly what
scoring every customer finds, and an e-mail address links through its contact."""
from __future__ import annotations

import marshal
import random

import pytest

from assistant.planner.linker import EntityIndex, LinkResult, _same, tokens_of
from tests.factories.customers import make_contact, make_customer

WORDS = ["hoang", "long", "minh", "phat", "an", "binh", "sai", "gon", "foods", "paper", "viet", "tien", "hung",
         "thinh", "glass", "glasses", "office", "supply", "nam", "bac", "trading", "hoa", "phuong", "dong"]
PREFIXES = ["Công ty TNHH", "Cửa hàng", "", "", "Tập đoàn"]
FILLER = ["what's", "going", "on", "with", "before", "my", "3pm", "can", "take", "another", "50k", "credit", "và"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:]


@pytest.fixture()
def index(session):
    rng = random.Random(5)
    for n in range(400):
        words = rng.sample(WORDS, rng.randint(1, 4))
        name = " ".join(filter(None, [rng.choice(PREFIXES), *[w.capitalize() for w in words]]))
        make_customer(session, name=name, code=f"LNK{n:04d}")
    return EntityIndex(session)


def _reference_same(index: EntityIndex, token: str) -> set[str]:
    """The name words a message word stands for, every name word compared: a word some name has as written is
    that word (or its singular or plural), never another misspelt; any other is `_same` as the words it is."""
    if token in index.by_token:
        return {w for w in index.by_token if w == token or (len(w) >= 4 and len(token) >= 4
                                                             and w.rstrip("s") == token.rstrip("s"))}
    return {word for word in index.by_token if _same(word, token)}


def _exhaustive(index: EntityIndex, text: str) -> tuple[float, set[int]]:
    """Every customer scored, with `_reference_same` asked word by word: the best score and who has it."""
    tokens = tokens_of(text)
    same = [_reference_same(index, token) for token in tokens]
    scores = {entry.id: index._match(entry.core, tokens, same)[0] for entry in index.customers}
    best = max(scores.values(), default=0.0)
    return best, {cid for cid, score in scores.items() if best > 0 and abs(score - best) <= 1e-9}


def test_the_bounded_search_finds_what_scoring_everyone_finds(session, index):
    rng = random.Random(9)
    messages = []
    for _ in range(150):
        entry = rng.choice(index.customers)
        words = [_typo(w, rng) if rng.random() < 0.3 else w for w in entry.name.split()[-rng.randint(1, 3):]]
        noise = rng.sample(FILLER, 3)
        messages.append(" ".join(noise[:2] + words + noise[2:]))
    # "glasssss" is the same word as "glass" only by its singular (their fuzzy ratio is 77).
    messages += ["hoang long", "glass", "glasssss office", "minh", "nothing here at all"]

    for text in messages:
        tokens = tokens_of(text)
        assert [index.same_words(t) for t in tokens] == [_reference_same(index, t) for t in tokens]
        best, tied = _exhaustive(index, text)
        if any(token in index.by_code and len(token) >= 3 for token in tokens):
            continue
        result = index.link_customer(text)
        if not tied:
            assert result.customer is None and not result.candidates, text
        elif result.customer is not None:
            assert result.customer.id in tied, text
        else:
            assert {c.id for c in result.candidates} <= tied and len(result.candidates) == min(len(tied), 6), text


def test_an_email_links_its_contacts_customer_in_any_case(session, index):
    customer = make_customer(session, name="Rạng Đông Office", code="RANGDONG")
    make_contact(session, customer=customer, name="Lê Thị Thu", email="thu.le@rangdong.vn")
    fresh = EntityIndex(session)
    assert fresh.link_contact_email(session, "Thu.Le@RangDong.vn").code == "RANGDONG"
    assert fresh.link_contact_email(session, "nobody@rangdong.vn") is None


def test_the_index_follows_a_new_owner(session, index):
    from assistant.planner.linker import entity_index
    from tests.factories.org import make_employee

    rep, other = make_employee(session, role="sales"), make_employee(session, role="sales")
    first = make_customer(session, name="Quang Minh Paper", code="QMPAPER1", owner=rep)
    second = make_customer(session, name="Quang Minh Paper", code="QMPAPER2", owner=other)
    assert entity_index(session).link_customer("how is Quang Minh Paper doing", asker_id=rep.id).customer.code == "QMPAPER1"
    first.owner_id, second.owner_id = other.id, rep.id
    session.flush()
    assert entity_index(session).link_customer("how is Quang Minh Paper doing", asker_id=rep.id).customer.code == "QMPAPER2"


def test_a_later_process_reads_the_saved_names_instead_of_every_customer(session, index, monkeypatch):
    import assistant.planner.linker as linker

    saved = list(linker._names_file(index.stamp).parent.glob("customer-names-*.marshal"))
    assert len(saved) == 1
    monkeypatch.setattr(linker, "_read_names", lambda session: pytest.fail("the saved names were not used"))
    again = EntityIndex(session)
    assert again.customers == index.customers and again.by_token == index.by_token
    assert again.link_customer("glass office supply").customer == index.link_customer("glass office supply").customer


def test_saved_names_are_rebuilt_when_customers_change_or_the_file_is_bad(session, index, monkeypatch):
    import assistant.planner.linker as linker

    path = linker._names_file(index.stamp)
    make_customer(session, name="Công ty TNHH Rạng Đông Xanh", code="RANGDONGX")
    changed = EntityIndex(session)
    assert changed.stamp != index.stamp
    assert changed.link_customer("anything new at Rạng Đông Xanh?").customer.code == "RANGDONGX"
    assert EntityIndex(session).customers == changed.customers  # read back from the file just written

    path.write_bytes(marshal.dumps((0, changed.stamp, linker._read_names(session))))  # an older format
    assert EntityIndex(session).link_customer("Rạng Đông Xanh").customer.code == "RANGDONGX"
    assert marshal.loads(path.read_bytes())[0] == linker.NAMES_FORMAT  # rebuilt and saved again

    path.write_bytes(b"\x00not marshal")
    assert EntityIndex(session).link_customer("Rạng Đông Xanh").customer.code == "RANGDONGX"

    # A data directory that can not be written: the index still works, and no temporary file is left behind.
    path.unlink()
    monkeypatch.setattr(linker.os, "replace", lambda *args: (_ for _ in ()).throw(PermissionError("read-only")))
    assert EntityIndex(session).link_customer("Rạng Đông Xanh").customer.code == "RANGDONGX"
    assert list(path.parent.iterdir()) == []


def test_one_word_that_is_merely_close_is_not_a_mention(session):
    make_customer(session, name="Hoàng Long Trading", code="HLT")
    index = EntityIndex(session)
    # "hàng" (goods) and "không" (not) are each within a fuzzy ratio of 80 of "hoàng".
    assert index.link_customer("giấy A4 Double A còn hàng không?") == LinkResult()
    assert index.link_customer("what's new with Hoàng?").customer.code == "HLT"  # the word itself still counts
    assert index.link_customer("brief on Hoang Lon Trading").customer.code == "HLT"  # and typos within a name


def test_a_common_word_names_no_customer(session):
    from assistant.planner.linker import entity_index
    from tests.factories.customers import make_customer
    from tests.factories.org import make_company

    make_company(session)
    make_customer(session, name="State College Outdoor Supply", code="STATECOL")
    make_customer(session, name="West Marine Pro", code="WESTMARINE")
    session.flush()
    index = entity_index(session)
    assert index.link_customer("sales by state this year").customer is None
    assert index.link_customer("how is the west region doing").customer is None
    assert index.link_customer("what did State College Outdoor buy").customer.code == "STATECOL"
    assert index.link_customer("west marine's balance").customer.code == "WESTMARINE"
