"""What /api/v1/organisations and /api/v1/people share: the same routes under the same
endpoint names — `<Plural>` (GET the list, POST a new record), `<Single>ById` (GET, PATCH),
`archive` and `restore` — each register describing itself with a `RegisterRoutes`.

Who may do it is the services' decision (`tracker.services.registers`); a refusal raises
`Forbidden`, which the app's error handlers answer with the JSON 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Protocol

from flask.views import MethodView
from marshmallow import Schema

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint, refuse_body_unless_json
from tracker.api.pagination import LINK_HEADER, listing
from tracker.services.actor import Actor

RECORD_ID = "int(min=1, max=2147483647)"


class RegisterService(Protocol):
    def page_by_id(self, filters: Any, page: int, per_page: int) -> Any: ...
    def require(self, record_id: int) -> Any: ...
    def archive(self, who: Actor, record: Any) -> None: ...
    def restore(self, who: Actor, record: Any) -> None: ...


@dataclass(frozen=True)
class RegisterRoutes:
    """One register's API: the list, one record, archiving and restoring."""

    plural: str  # "Organisations": the list's endpoint
    # "Organisation": the record's endpoint is "OrganisationById", its id in URLs
    # "organisation_id", the service's filters `OrganisationFilters`, and its schemas in
    # `tracker.api.schemas` OrganisationSchema (as answered), OrganisationQuerySchema (the
    # list's filters), OrganisationCreateSchema and OrganisationWriteSchema (PATCH).
    single: str
    service: RegisterService
    examples: tuple[dict[str, Any], dict[str, Any]]  # a POST body and a PATCH body
    save: Callable[[Any, dict[str, Any]], Any]  # (record or None, the fields sent) → record
    article: str  # "an" (organisation), for the routes' summaries
    list_doc: str
    archive_doc: str

    @property
    def id_arg(self) -> str:
        return f"{self.single.lower()}_id"

    @property
    def docs(self) -> dict[str, str]:
        noun = self.single.lower()
        return {
            "list": self.list_doc,
            "post": f"Add {self.article} {noun} (admins, leaders and PAs).",
            "get": f"One {noun}.",
            "archive": self.archive_doc,
            "restore": f"Restore an archived {noun} (admins and leaders).",
        }

    def _filters(self, query: dict[str, Any]) -> Any:
        """The service's filters, with the fields the query sets."""
        filters = getattr(self.service, f"{self.single}Filters")
        names = [field.name for field in fields(filters)]
        return filters(**{name: query[name] for name in names if name in query})

    def _schema(self, kind: str = "") -> type[Schema]:
        schema: type[Schema] = getattr(schemas, f"{self.single}{kind}Schema")
        return schema

    @property
    def schema(self) -> type[Schema]:
        return self._schema()

    def add_to(self, bp: ApiBlueprint) -> None:
        self._add_list(bp)
        self._add_record(bp)
        self._add_archiving(bp)

    def _add_list(self, bp: ApiBlueprint) -> None:
        service, save, filters = self.service, self.save, self._filters

        def get(_view: MethodView, query: dict[str, Any]) -> Any:
            page = service.page_by_id(filters(query), query["page"], query["per_page"])
            return listing(page, list(page.items))

        def post(_view: MethodView, values: dict[str, Any]) -> Any:
            return save(None, values)

        get.__doc__ = self.docs["list"]
        post.__doc__ = self.docs["post"]
        page_schema = schemas.page_schema(self.schema, f"{self.single}Page")
        methods = {
            "get": bp.query(self._schema("Query"))(
                bp.response(200, page_schema, headers=LINK_HEADER)(bp.errors(422)(get))
            ),
            "post": bp.json_body(self._schema("Create"), example=self.examples[0])(
                bp.response(201, self.schema)(bp.errors(403, 422)(post))
            ),
        }
        bp.route("")(type(self.plural, (MethodView,), methods))

    def _add_record(self, bp: ApiBlueprint) -> None:
        service, save, id_arg = self.service, self.save, self.id_arg

        def get(_view: MethodView, **ids: int) -> Any:
            return service.require(ids[id_arg])

        def patch(_view: MethodView, values: dict[str, Any], **ids: int) -> Any:
            return save(service.require(ids[id_arg]), values)

        get.__doc__ = self.docs["get"]
        patch.__doc__ = (
            "Change some fields; fields left out keep their values, null clears optional ones."
        )
        methods = {
            "get": bp.response(200, self.schema)(bp.errors(404)(get)),
            "patch": bp.json_body(self._schema("Write"), example=self.examples[1])(
                bp.response(200, self.schema)(bp.errors(403, 404, 422)(patch))
            ),
        }
        view = type(f"{self.single}ById", (MethodView,), methods)
        bp.route(f"/<{RECORD_ID}:{id_arg}>")(view)

    def _add_archiving(self, bp: ApiBlueprint) -> None:
        """POST <id>/archive and <id>/restore, answering with the record."""
        service, id_arg = self.service, self.id_arg

        def route(archived: bool) -> Callable[..., Any]:
            def view(**ids: int) -> Any:
                refuse_body_unless_json()
                record = service.require(ids[id_arg])
                change = service.archive if archived else service.restore
                change(auth.current_actor(), record)
                return record

            return view

        for name, archived in (("archive", True), ("restore", False)):
            view = route(archived)
            view.__name__ = name
            view.__doc__ = self.docs[name]
            documented = bp.response(200, self.schema)(bp.errors(403, 404, 415)(view))
            rule = f"/<{RECORD_ID}:{id_arg}>/{name}"
            bp.route(rule, methods=["POST"], endpoint=name)(documented)
