from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int):
    """One page of a queryset; an out-of-range or malformed ?page= gives the nearest valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
