"""Sign-in passwords for the demo company's people, so `make demo` can be tried at once in the browser."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.api.auth import set_password
from backend.models import Employee

DEMO_PASSWORD = "tandem-demo"
DEMO_LOGINS = ("mai@songhong.vn", "anh@songhong.vn", "ha@songhong.vn", "bao@songhong.vn", "nam@songhong.vn")


def ensure_demo_logins(session: Session) -> list[Employee]:
    """One login per role; a password someone already set is left alone."""
    people = list(session.execute(select(Employee).where(Employee.email.in_(DEMO_LOGINS))).scalars())
    for person in people:
        if person.password_hash is None:
            set_password(session, person, DEMO_PASSWORD)
    return sorted(people, key=lambda p: DEMO_LOGINS.index(p.email))
