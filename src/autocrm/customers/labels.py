"""Names shown for customer fields, dealer relations and survivorship rules (translated).

Timeline kinds are named in `interactions.kinds`."""

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "name": _("Name"), "id_number": _("ID number"), "gender": _("Gender"),
    "birth_date": _("Birthday"), "phone": _("Mobile"), "province": _("Province"),
    "city": _("City"), "address": _("Address"), "occupation": _("Occupation"),
    "employer": _("Employer"), "interests": _("Interests"),
    "contact_person": _("Contact person"), "relatives": _("Relatives"),
}
RELATIONS = {"bought": _("bought here"), "dms": _("in the dealer's records"),
             "club": _("club member here"), "serviced": _("serviced here")}
RULES = {"priority": _("source priority"), "recency": _("most recent"),
         "sole": _("all sources agree"), "derived": _("derived from the ID number")}
GENDERS = {"M": _("male"), "F": _("female")}
# Repair types as the dealers' systems send them; another type is shown as sent.
REPAIR_TYPES = {"保养": _("maintenance"), "维修": _("repair"), "索赔": _("warranty claim"),
                "钣喷": _("body and paint")}
