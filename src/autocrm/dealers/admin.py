from django.contrib import admin

from autocrm.accounts.admin_site import RightAdmin
from autocrm.dealers.models import Dealer


@admin.register(Dealer)
class DealerAdmin(RightAdmin):
    right = "dataops"
    list_display = ("code", "name", "province", "city")
    search_fields = ("code", "name")
