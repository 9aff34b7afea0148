"""The held-out sets are never edited once committed: each file's SHA-256 is pinned here (a new set is a new file,
added to the list), and every set is well formed (tests/heldout/README.md)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.heldout.score import check_set, check_fact, numbers_in

HERE = Path(__file__).parent / "heldout"
PINNED = {
    "chinook-1.json": "2b657d3a26970525672a1d27c7b82953a1f53d4201a713a6a55b619844042881",
    "chinook-2.json": "25041e84bea6d46d2b045ada291337fd419e77908b2b32a8c2dc9bb210ae1a47",
    "chinook-3.json": "cf782470d3af95ed111e3ec239be8285102e9fa8aeb16bead7a7a92cf2b15c8d",
    "chinook-4.json": "48ccd5d6479992d9e7ad4ae673a001bb207cc767e3785916355e90183bf4c670",
    "chinook-5.json": "227639d0141dd68f46f4b64fd21b7a6796a90ead183441d8ba96cf5f2143f971",
    "chinook-6.json": "4da7b3faf35941aa36dc4c0072f444c2427269fd9e6d355df62cb28b37a4cdce",
    "chinook-7.json": "0d442d2f07efb3c5d52f75ed849ce36eb10117af98dcdd69285129502522f12c",
    "chinook-8.json": "699216ac8688e2a94557a033bd61dd50771e630dd4aa33e5c9d9ba58cb630530",
    "chinook-9.json": "ce1d62d1dd3e71d54894a886a340d138fdd7cf6c9bd968af395cc0c1667a7578",
    "demo-1.json": "802f79603f6fbc56a1a23caec4fbcc33570a379307a4a0c785a0a07369af025b",
    "demo-2.json": "3ef38a34d6f35be9ad79aa772eb93c13f529580c239657220ba2fa52c7255d1a",
    "demo-3.json": "8df94d752b7e3c6d2e167f2633301163f60c668b07ac13da7d40e237c1924c2c",
    "demo-4.json": "5c498c68f4d0d42378207c4d8d31fc562746dc4260d38fb62ebd73afec24bdaf",
    "demo-5.json": "9db1dee4e52f7c22e1cb508e359d2da5e0e981d5e9a34e0a0a846fdcdd834dfd",
    "demo-6.json": "9807dbc90fe19d8eab9fb9f9289696c14e95df320c59747abfd847925157d42c",
    "demo-7.json": "ba041442f986583c648754c064fe4a71de2351873569fd5ffa145d218e01896a",
    "demo-8.json": "a73b470209b63768f28d677bc1559b9825cf002a06c9441952b2edcbfbfbeb06",
    "demo-9.json": "4e6509e066963d801918e70cd57aeea2437ee52b700d4ba49d2dc14c2c5747b1",
    "erp-1.json": "6a8804deadfe316bdbba04f05f9222d6bea73d4a47b72c7187264ef6def5a96c",
    "erp-2.json": "b64d151ecda299c82ed30a1aa82265a72f8d94c2d632eae95b1fe5225793cd39",
    "erp-3.json": "83d39c6a94068d08d6b60e7ff3a6f91c16d99f6ece04536f537214d1514395aa",
    "erp-4.json": "759efc9d000e198c96778da15f3d3c59e3aed5d1932a9a25addba439f7fb5013",
    "erp-5.json": "175581c2ec6f9faa216c2369667575e12d183722f15243d09bbe69fbbaa3712f",
    "erp-6.json": "0b751d8449392a991a0743c63eb363c22fb3221faaeb70387812a7bb121fd61d",
    "second-1.json": "dd6e31b7a7c25462fe24585aa3d3462ee3410be1a9e01f6e92d6629d29a17d9e",
    "second-2.json": "074114cff694ceece06b514d9af3ec92c9fe14f70dfe431ef1596485924750f1",
    "second-3.json": "7dcc948c28032fff3bf9d5e24692ca34cecb9a0b9f21d062cec4759b110c3a5c",
    "second-4.json": "3e6747db7d0636053d2eaeee900e635e5d93fa1a4c5609e44c4c20f0f0186540",
    "second-5.json": "70d9376c55bf8d372be00c0536925c298cea2f4ecd732da6429e99125ab48cbb",
    "second-6.json": "c9775ad6d92b0a1fbaca1e3c22b4ba119159fdcc48367a8bd8e4a679e45abdbe",
    "second-7.json": "ff85f587dd6b9651e0d741b75d5c1fb74d516f68862f6723a06393b2e58153b9",
    "second-8.json": "fb0eb281fab590f3884852d2b215e84caa0039eb07ccc6ee5c32350d211f3ef6",
    "second-9.json": "f051a2c36c01e6a790e38bbe39ce4d7a27094e4d02ca36547314216d9df59977",
    "chinook-10.json": "0a04068d046a3434bfbeb0ede43f8b5908cb316239de2cb648c4f981d47c2668",
    "demo-10.json": "ebbd176fee0cd48b0f78463d9c972ff6e45d6a3c745e1d85a38597ab6d91e70a",
    "erp-7.json": "37de15e10a599ec84511528787f06ba41e51d799094f7b1cfd44c1d8282b089e",
    "second-10.json": "cc1a62b5aece40dc992efbc71d4b726e461e67a0d9d00c5ba7ebef56f4fa7ad4",
    "chinook-11.json": "41df68ee565f48c737e7e1e65a958e3c1c6a3e531f761eb042106d8ec91ba985",
    "demo-11.json": "9050b3a33dbfc4cc9510d5d3b74512ecf1aebf6f642dca31740787467357a8fb",
    "erp-8.json": "b84f6adb5373687f0c5ff758b1bed6bd4e36cbb6f077ae0b7798cc4b4146a893",
    "second-11.json": "70749d5440f5f8ba537d26b3262436860f3e3bf7b59c04832cd1513688b78540",
    "chinook-12.json": "5243979698648ab0feeb57fdb4b5f649ecbc5d31bb93d7c4de62a8253251526a",
    "demo-12.json": "70ba28f3ee592331411c653c3bd8432491246ed72c8569b592fbd6e9d6de6f30",
    "erp-9.json": "3d3c6eb9396bb979547f55df7416e0c24b15ab375258bed53f2afd2beace807a",
    "second-12.json": "b75a788960f870078e85d591a4deaf110702ea51f2b37a7c841d42eef77c545d",
    "chinook-13.json": "85aa17a2ac1a9a55c672eb005cdc54459f7bcf9e0c9e6d9988bcfdd52f019abf",
    "demo-13.json": "cca58032f41dcbb0f5a98d9b561aaa292fdbe407689bea2f4190328c8c317b60",
    "erp-10.json": "dd31cbe8e22a93b137f8522492ab4dfd8092bae55b7934d3395f828bb64f385e",
    "second-13.json": "82a203ba76139eaab52e3f9ec4d12028a45fdbf916dd621a707878e2f1642da9",
    "chinook-14.json": "19ac0e5fc58cbaf8ede082bf408eee5aeaccdd204d78c54baf0269357da30e6e",
    "demo-14.json": "1cbc16bfdeaeabede254fe4f0a8599fbd3edbfcbd1d96f1750899d5005296d90",
    "erp-11.json": "a5ceae01ee97bc5276d952502ab4cf212d625aee4a70149b0568e70c1978b819",
    "second-14.json": "7bfd44204825f0935715c58eeaf2652cdc35fdc4d79532da3a71a8583ada8e11",
    "chinook-15.json": "5f6801fc12c416e6a0a19c7fed1bdfec31e93489dc77cac0c41d45942a91bdca",
    "demo-15.json": "5318c8e0347c122995d81cb497f3337888743314a6591ad89613d9268d594cf6",
    "erp-12.json": "82b19543199e9a4b768e91ca63634031a79e774a1b6d3138600134490909e93c",
    "second-15.json": "4834323b2ca510f01e0106cbd69ada36811b4b48f86cc7e8e791238fe6a3e949",
    "chinook-16.json": "600a416427891d5af034981500347e6d745385ff26322283f58ec1a13f40cade",
    "demo-16.json": "79ae5faac905ba468459ac3e93b4632e0d6e2f5018ebd3efa956aab941ecd1a8",
    "erp-13.json": "4f9a1f6a9169b72ce8c6e8ad43f03977d0aa2dd925b7728427db8b739c396137",
    "second-16.json": "405017147d66b3829e117b5d09bd7c080210d1e7149c7f0572250db96142b133",
    "chinook-17.json": "9de0275335b47482946305a1f627c35d948aeaa34ceb38fa008774fd6d697ae3",
    "demo-17.json": "6bbe3951749a5db11abd322a0f24b8c2aa67ffca46f457c11f4146c61dc01326",
    "erp-14.json": "3828dbd64497646740d0033e1fceb699d838bc6dcb74a7ac9cbcb5b758ae5247",
    "second-17.json": "ee34a867c208ded65f9d378a56240b36dd18c78f2eb49d17c53b916e9b19eadc",
    "chinook-18.json": "6c481e0e9331024e61ae9b06a10969273ae17fd3ff912600f80160a384be7326",
    "demo-18.json": "3b49af810e761d550e7a548995bdb7a560770c3e295ef1f15f341bbebfe9261e",
    "erp-15.json": "205db0f12590dec40ebe2186612b277759a7fa3e65fdd93a8b1ea6df11d099b7",
    "second-18.json": "08d775f369836bf224e76297a3d4c856d0ab269561f45dce4982154111c3c3a1",
    "chinook-19.json": "9022f7dc0e6fe19feb86dd75e6687ee66f8bbb45c8a1bcae78769b2e37e24fdc",
    "second-19.json": "86541abf09cbcc62602f096a1198c06e6cc55f3f791f4975a333c51b36b4ab75",
    "demo-19.json": "7e6917c3bbfe31f0842140c86995465178f40d53e92104cb2089b5b6e4c6cb95",
    "erp-16.json": "b61de3138e49ef3fe95b9e9826cccd5f89c12e7387654e4b23542bd99e6dd4ce",
    "second-20.json": "f29b617b4b0b33059a3d59453302f5ae69c2b658d0dcfe4904199d4feca45498",
    "chinook-20.json": "c96cdeeb12ef88a1fec280dab3dfbb91ce030799557203eb8a4ce1a5c8759d24",
    "erp-17.json": "67b71180be999006e44a887c2c9d1d8c7a3a53b00769a3b7213eb6ae7199c0b6",
    "erp-18.json": "194a8cc209f7e2f27b6f9e4c2dbd4cd338a9161f56f7cf9a9ded2b31c5d1e08c",
    "chinook-21.json": "099294a27d61a0e7d7d9339a94743f58a9b599f8e2242afa313d1bf9efda3e33",
    "demo-20.json": "4c82b361c873a37a65e83d33c573178cf47f0e118684163534803be48b8cc5f5",
    "second-21.json": "a727af2f0c3c01ecb3c914f96f9c0d4026babbe4d49592830f9e5a84b377c665",
    "chinook-22.json": "996cb85fa1e019cd7d3ee7fb19043cd88f70b03a52cbcc05d4b4aa833faf6d2a",
    "second-22.json": "e84cf2641fa06447cccdb77aaa82b998e86ca139c79225a0027dbc67bc29fe1f",
    "demo-21.json": "76004b6825192c47804ca69430b762514fc4496b4ffdf74017d7a6fc225377d6",
    "erp-19.json": "903dc1a7dcc2e47272f64e31a3c9c9c9d49f643af972f9452ff38fad9259ffb5",
    "chinook-23.json": "44aff828d0d24a23ceb39a1d53bae27ca3d9628362f44c0e59ed92a23af81543",
    "second-23.json": "cca11f6cd8cc2673ef964f607d28260663001c83b995aa97451526bb0dca44ec",
    "demo-22.json": "cb5198e68ea23e69a3203986514c1a5acc8777e5ca9ceb5ca9f0ea081a03553b",
    "erp-20.json": "44b214a9927963008bf012d0b11ebbc12483978107935bde737630fde5581f86",
    "chinook-24.json": "21589f14cff1f55077c9efd5e880ec0ab56789ad58f8be3d9a5d8dd4c82c72e5",
    "second-24.json": "40ca9099784a9d1c6a861d2dcaa6749d0cf04abb8da381ad9cb17616d4946632",
    "demo-23.json": "bbbdab8e16bb57d03dcc5879252beb2cc224355e38e538445af85b59c50c4e0d",
    "erp-21.json": "b900aca552a90e6608fb957f6460c079b2d8f26487595304683e2e2512510e55",
    "chinook-25.json": "defe76465aadf5f342f00fb808c84478676e3f3187ab9f16cd88fdd31d210b11",
    "second-25.json": "0c0c698e0c46370af1163d17001998a1dd5a1b5af55e2c0b1073ed258775eab7",
    "demo-24.json": "29302c7e6600db6ab9d097de72c930f88af88cac03a9c31895fce5c5b2e46cb2",
    "erp-22.json": "8453d85ff42e4e3eb137e0203e0966daecb2cd3054fa3f44612a174343afa71c",
}


def test_every_set_is_pinned_and_unchanged():
    files = sorted(p.name for p in HERE.glob("*.json"))
    assert files == sorted(PINNED), "a new held-out set must be added to PINNED; an old one is never removed"
    for name, digest in PINNED.items():
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest, f"{name} was edited; add a new file instead"


@pytest.mark.parametrize("name", sorted(PINNED))
def test_sets_are_well_formed(name):
    data = json.loads((HERE / name).read_text(encoding="utf-8"))
    assert check_set(data) == []
    # A general set samples the whole business; a topic set (erp-*: payables, ledger, statements) one half of it.
    assert len(data["questions"]) >= (20 if name.startswith("erp-") else 40)


def test_numbers_are_read_as_written():
    assert {1234567, 12.5, 3} <= set(numbers_in("1,234,567 VND and 12.5% of 3"))
    assert 1234567 in numbers_in("1.234.567 đ") and 8236690 in numbers_in("8,236,690.0000")


def test_a_money_fact_needs_the_figure_to_the_minor_unit(tmp_path):
    import sqlite3

    db = sqlite3.connect(":memory:")
    fact = {"kind": "money", "currency": "VND", "scale": 4, "sql": "SELECT 12345670000"}
    assert check_fact(fact, "Revenue was 1,234,567 VND.", db, None).ok
    assert not check_fact(fact, "Revenue was about 1.2M VND.", db, None).ok
    assert not check_fact(fact, "Revenue was 1,234,568 VND.", db, None).ok
    usd = {"kind": "money", "currency": "USD", "sql": "SELECT 74.38"}
    assert check_fact(usd, "Open: $74.38", db, None).ok and not check_fact(usd, "Open: $74", db, None).ok
    text = {"kind": "text", "sql": "SELECT 'Hoàng Long Trading'"}
    assert check_fact(text, "hoang long trading owes...", db, None).ok
    hidden = {"kind": "text", "negate": True, "sql": "SELECT 'Minh Phát'"}
    assert check_fact(hidden, "Only your customers.", db, None).ok and not check_fact(hidden, "Minh Phat: 5", db, None).ok
