from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ocop.core.text import fold_vi
from ocop.producers.domain.queries import subjects_visible_to
from ocop.products.domain.queries import products_visible_to


def subject_list(request):
    subjects = subjects_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        subjects = subjects.filter(search_text__contains=fold_vi(query))
    page = Paginator(subjects, 50).get_page(request.GET.get("page"))
    return render(request, "producers/subject_list.html", {"page": page, "query": query})


def subject_detail(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    products = products_visible_to(request.user).filter(subject=subject)
    return render(
        request, "producers/subject_detail.html", {"subject": subject, "products": products}
    )
