from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "基层党组织"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import MeetingResource, PartyOrganisationResource, SecretaryResource, TermElectionResource

        for resource in (PartyOrganisationResource, SecretaryResource, MeetingResource, TermElectionResource):
            register(resource)

        from . import worklists

        worklists.register_all()
        worklists.register_term_elections()

        # A weak branch's checklist item is struck off only after its survey (测评达标后方可销号);
        # the case follows its item when the item is struck off, reopened or extended (延期).
        from orgwork.rectification import closing

        from .services import (
            WEAK_CASE_ITEM_FIELDS,
            weak_case_closing_refusal,
            weak_case_item_extended,
            weak_case_item_reopened,
            weak_case_item_struck_off,
        )

        closing.register("branches.weakbranchcase", weak_case_closing_refusal, struck_off=weak_case_item_struck_off,
                         reopened=weak_case_item_reopened, extended=weak_case_item_extended,
                         governs=WEAK_CASE_ITEM_FIELDS)
