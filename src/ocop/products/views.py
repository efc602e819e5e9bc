from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ocop.core.text import fold_vi
from ocop.products.domain.queries import products_visible_to


def product_list(request):
    products = products_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        for word in fold_vi(query).split():
            products = products.filter(search_text__contains=word)
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    return render(request, "products/product_list.html", {"page": page, "query": query})


def product_detail(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    return render(request, "products/product_detail.html", {"product": product})
