"""Demo data (``manage.py load_demo``): the public page of the Đồng Tâm
cooperative, with its story and the contact details its producer agreed to
publish (the consent is recorded as given by the demo producer). Reads
``ctx.subjects``."""

from ocop.accounts.models import User

from .domain.profiles import save_public_profile
from .models import PublicProfile

SUBJECT = "2801234567"
PRODUCER = "sx.dongtam"
PROFILE = {
    "story": (
        "Hợp tác xã Nông nghiệp Đồng Tâm được thành lập năm 2012 với 120 thành viên. "
        "Chúng tôi giữ nghề làm nước mắm truyền thống và nuôi ong lấy mật dưới các vườn nhãn "
        "ven sông Mã, để sản phẩm của làng đến được với người tiêu dùng cả nước."
    ),
    "show_representative": True,
    "show_phone": True,
    "show_address": True,
}


def load(*, ctx) -> None:
    subject = ctx.subjects[SUBJECT]
    producer = User.objects.filter(username=PRODUCER).first()
    if producer is None or PublicProfile.objects.filter(subject=subject).exists():
        return
    save_public_profile(subject=subject, by=producer, data=PROFILE)
