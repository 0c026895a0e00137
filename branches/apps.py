from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "基层党组织"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import MeetingResource, PartyOrganisationResource, SecretaryResource

        for resource in (PartyOrganisationResource, SecretaryResource, MeetingResource):
            register(resource)

        from . import worklists

        worklists.register_all()
