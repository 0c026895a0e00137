from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# The task table holds job arguments for every unit; staff follow their jobs on
# ImportJob pages, which are scoped. The raw table stays out of the admin.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
