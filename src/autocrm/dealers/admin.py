from django.contrib import admin

from autocrm.dealers.models import Dealer


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province", "city")
    search_fields = ("code", "name")
