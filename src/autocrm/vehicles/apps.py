from django.apps import AppConfig


class VehiclesConfig(AppConfig):
    name = "autocrm.vehicles"
    label = "vehicles"
    verbose_name = "车辆"
