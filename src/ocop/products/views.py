from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import history_for
from ocop.core.downloads import file_response
from ocop.core.idempotency import once
from ocop.core.pagination import CappedPaginator
from ocop.producers.domain.queries import documents_visible_to, subjects_visible_to
from ocop.producers.rules import can_edit_subject
from ocop.products.domain.products import add_product_image, create_product, update_product
from ocop.products.domain.queries import filter_products, products_visible_to
from ocop.products.forms import ImageForm, ProductForm, ProductListFilter


def product_list(request):
    if request.GET.get("export") in ("xlsx", "csv", "csv-iso"):
        # The export belongs to the registry import/export (same filters).
        return redirect(f"{reverse('registry_export:products')}?{request.GET.urlencode()}")
    form = ProductListFilter(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    products = filter_products(products_visible_to(request.user), filters=filters)
    page = CappedPaginator(products, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "products/product_list.html",
        {
            "page": page,
            "form": form,
            "nav_active": "products",
        },
    )


def product_detail(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    documents = documents_visible_to(request.user).filter(subject=product.subject_id)
    today = timezone.localdate()
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "images": product.images.all(),
            "documents": [
                (d, d.validity(today))
                for d in documents.filter(Q(product__isnull=True) | Q(product=product))
            ],
            "certificates": product.certificates.all(),
            "can_edit": can_edit_subject(request.user, product.subject),
            "history": history_for(product).select_related("actor")[:30],
            "nav_active": "products",
        },
    )


@once
def product_create(request, subject_pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=subject_pk)
    if not can_edit_subject(request.user, subject):
        raise PermissionDenied(_("You may only register products of your own subjects."))
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = create_product(by=request.user, subject=subject, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Product registered."))
            return redirect("products:detail", pk=product.pk)
    return render(
        request, "products/product_form.html", {"form": form, "subject": subject, "product": None}
    )


def product_edit(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    if not can_edit_subject(request.user, product.subject):
        raise PermissionDenied(_("You may not change this product."))
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            update_product(by=request.user, product=product, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("products:detail", pk=product.pk)
    return render(
        request,
        "products/product_form.html",
        {"form": form, "subject": product.subject, "product": product},
    )


@once
def product_image_add(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    if not can_edit_subject(request.user, product.subject):
        raise PermissionDenied(_("You may not change this product."))
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_product_image(
                by=request.user,
                product=product,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            form.add_error("image", exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect("products:detail", pk=product.pk)
    return render(request, "products/image_form.html", {"form": form, "product": product})


def product_image(request, pk: int, image_pk: int, size: str = "full"):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    image = get_object_or_404(product.images, pk=image_pk)
    field = image.thumbnail if size == "thumb" else image.image
    return file_response(
        field, filename=f"anh-{image.pk}.jpg", content_type="image/jpeg", inline=True
    )
