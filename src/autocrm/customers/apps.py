from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "autocrm.customers"
    label = "customers"
    verbose_name = "客户"
