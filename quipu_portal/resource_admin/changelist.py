"""ChangeList: what a list page reads from its URL (sort, page, page size, filters) and the links it
draws from them (sortable headers, pagination, "select all"). Documents and reference data alike."""

import math

from django.shortcuts import render
from django.utils.http import urlencode

from quipu_portal.core.htmx import is_partial
from quipu_portal.resource_admin.filters import PER_PAGE_CHOICES, parse_sort, sort_toggled, sort_without
from quipu_portal.resource_admin.pages import base_context, templates


def querystring(params: dict) -> str:
    """ "?a=1&b=2" of the parameters that have a value."""
    return "?" + urlencode([(key, value) for key, value in params.items() if value not in (None, "", [])])


def positive_int(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def page_links(current: int, total: int) -> list[int | None]:
    """Page numbers to show: the ends and a window around the current one, None for a gap."""
    wanted = {1, total, *range(max(1, current - 2), min(total, current + 2) + 1)}
    links, previous = [], 0
    for number in sorted(wanted):
        if number - previous > 1:
            links.append(None)
        links.append(number)
        previous = number
    return links


class ChangeList:
    """One list request: ``params`` go to the list service; ``response()`` draws the page it returned."""

    def __init__(self, request, admin):
        self.request, self.admin = request, admin
        per_page = request.GET.get("per_page")
        self.sort = parse_sort(request.GET.get("sort"), admin.sorts) or list(admin.default_sort)
        self.page_number = positive_int(request.GET.get("page"), 1)
        self.page_size = int(per_page if per_page in dict(PER_PAGE_CHOICES) else "20")
        # The current filters as URL parameters, for header, page and "select all" links.
        self.base = {
            key: value for key, value in request.GET.items() if key not in ("page", "sort") and value
        }
        self.base_with_sort = {**self.base, "sort": ",".join(self.sort)}

    @property
    def params(self) -> dict:
        """The sort, page and page size the list URL asks for, as the list services take them."""
        return {"sort": self.sort, "page": self.page_number, "page_size": self.page_size}

    def headers(self) -> list[dict]:
        criteria = self.sort
        headers = []
        primary = {c.lstrip("-"): (index + 1, c.startswith("-")) for index, c in enumerate(criteria)}
        for column in self.admin.columns:
            header = {"column": column, "label": column.label, "number": column.is_number}
            if column.sort_key in self.admin.sorts:
                priority, descending = primary.get(column.sort_key, (None, False))
                header.update(
                    sortable=True,
                    priority=priority if len(criteria) > 1 else None,
                    direction=(("descending" if descending else "ascending") if priority else "none"),
                    toggle_url=self._url(sort=",".join(sort_toggled(criteria, column.sort_key))),
                    remove_url=(
                        self._url(sort=",".join(sort_without(criteria, column.sort_key)))
                        if priority
                        else None
                    ),
                )
            headers.append(header)
        return headers

    def _url(self, **changed) -> str:
        return querystring({**self.base, **changed})

    def _page_url(self, number: int) -> str:
        return querystring({**self.base_with_sort, "page": number})

    def pagination(self, page) -> dict:
        current = page.current_page
        return {
            "page_links": [
                {"number": n, "url": self._page_url(n) if n else None, "current": n == current}
                for n in page_links(current, max(page.total_pages, 1))
            ],
            "previous_url": self._page_url(current - 1) if current > 1 else None,
            "next_url": self._page_url(current + 1) if current < page.total_pages else None,
        }

    def rows(self, page, names) -> list[dict]:
        columns, namespace = self.admin.columns, self.admin.namespace
        return [
            {
                "record": record,
                "cells": [
                    {"column": column, "html": column.render(record, names, namespace)} for column in columns
                ],
            }
            for record in page.records
        ]

    def context(self, *, page, names, filter_form, filters) -> dict:
        return {
            **base_context(self.request, self.admin),
            "filter_form": filter_form,
            "filters_active": bool(filters),
            "page": page,
            "rows": self.rows(page, names),
            "headers": self.headers(),
            "sort": ",".join(self.sort),
            "per_page": str(self.page_size),
            "per_page_choices": [value for value, _label in PER_PAGE_CHOICES],
            **self.pagination(page),
            "query": querystring(self.base_with_sort)[1:],
            "waited": math.ceil(page.waited_seconds) if page.waited_seconds >= 1 else 0,
        }

    def response(self, *, page, names, filter_form, filters, **extra):
        """The list page, or only its results for an htmx request."""
        context = {**self.context(page=page, names=names, filter_form=filter_form, filters=filters), **extra}
        fragment = "results" if is_partial(self.request) else None
        return render(self.request, templates(self.admin, "list", fragment), context)
