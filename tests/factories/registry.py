import factory

from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject
from ocop.products.models import Product


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    name = factory.Sequence(lambda n: f"Hợp tác xã Nông nghiệp số {n}")
    legal_form = LegalForm.COOPERATIVE
    registration_number = factory.Sequence(lambda n: f"28{n:08d}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    subject = factory.SubFactory(SubjectFactory)
    name = factory.Sequence(lambda n: f"Nước mắm truyền thống {n}")
    commune = factory.LazyAttribute(lambda p: p.subject.commune)
