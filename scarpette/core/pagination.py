from django import forms
from django.core.paginator import Paginator

# More pages than any list here will ever have; the bound keeps a 5,000-digit ?page= from int().
MAX_PAGE = 1_000_000


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)


def paginate(request, queryset, per_page: int):
    """One page of a queryset; an out-of-range or malformed ?page= gives the nearest valid page."""
    form = PageForm({"page": request.GET.get("page", "")})
    number = form.cleaned_data["page"] if form.is_valid() else None
    return Paginator(queryset, per_page).get_page(number)
