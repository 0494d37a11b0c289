"""A short real flow through the Python client that openapi-python-client generates from the
served document: a resident posts a need, a rider claims and completes it, the social worker
verifies it, the rider reads the balance; staff list suggestions as typed objects.

    python3 flow.py BASE_URL   (the generated package `canglong_client` on PYTHONPATH)
"""

import sys
import uuid
from datetime import datetime, timedelta, timezone

from canglong_client import AuthenticatedClient, Client
from canglong_client.api.auth import sign_in_password
from canglong_client.api.needs import claim_need, complete_need, create_need
from canglong_client.api.points import get_balance
from canglong_client.api.service_records import verify_service_record
from canglong_client.api.suggestions import list_suggestions
from canglong_client.models import (
    Balance,
    Category,
    Claim,
    CompletionRequest,
    CompletionResult,
    Need,
    NewNeed,
    PasswordLogin,
    Quality,
    SuggestionPage,
    TargetGroup,
    TokenResponse,
    VerificationRequest,
    VerificationResult,
)

BASE = sys.argv[1]
PASSWORD = "canglong-demo-2026"


def expect(value, kind):
    if not isinstance(value, kind):
        raise SystemExit(f"expected {kind.__name__}, got {value!r}")
    return value


def signed_in(username: str) -> AuthenticatedClient:
    tokens = sign_in_password.sync(
        client=Client(base_url=BASE), body=PasswordLogin(username=username, password=PASSWORD)
    )
    return AuthenticatedClient(base_url=BASE, token=expect(tokens, TokenResponse).access_token)


resident, rider, worker, admin = (signed_in(u) for u in ("wang_ayi", "xiaowu", "sw_li", "admin"))
now = datetime.now(timezone.utc)
need = expect(
    create_need.sync(
        client=resident,
        body=NewNeed(
            category=Category.MEDICINE_RUN,
            target_group=TargetGroup.ELDERLY,
            title="帮忙取药",
            description="社区医院取降压药",
            place="3栋2单元",
            window_start=now - timedelta(hours=1),
            window_end=now + timedelta(hours=4),
            estimated_minutes=20,
        ),
    ),
    Need,
)
expect(claim_need.sync(need.id, client=rider, idempotency_key=str(uuid.uuid4())), Claim)
done = expect(
    complete_need.sync(
        need.id,
        client=rider,
        body=CompletionRequest(minutes=20, note="药已送到", started_at=now - timedelta(minutes=60)),
        idempotency_key=str(uuid.uuid4()),
    ),
    CompletionResult,
)
verified = expect(
    verify_service_record.sync(
        done.service_record.id,
        client=worker,
        body=VerificationRequest(approved_minutes=20, quality=Quality.PASS),
        idempotency_key=str(uuid.uuid4()),
    ),
    VerificationResult,
)
balance = expect(get_balance.sync(client=rider), Balance)
if balance.balance <= 0:
    raise SystemExit(f"the rider's balance should have grown: {balance}")
page = expect(list_suggestions.sync(client=admin), SuggestionPage)
print(
    f"python client: need {need.id} verified ({verified.service_record.status}), "
    f"rider balance {balance.balance}, {len(page.items)} suggestions typed"
)
