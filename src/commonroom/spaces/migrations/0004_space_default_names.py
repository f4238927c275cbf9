"""Spaces named by provisioning are marked, so their kind is shown in each
reader's language. A space whose stored name is a default one, in English or
Spanish (the language active when it was provisioned), is a default; a name
someone chose is left alone."""

from django.db import migrations, models

# The defaults as provisioning wrote them, per kind, in each shipped language.
KIND_NAMES = {
    "checkin": ("Daily check-in", "Registro diario"),
    "goals": ("Goals & accountability", "Metas y compromisos"),
    "resources": ("Resources", "Recursos"),
    "celebrations": ("Celebrations", "Celebraciones"),
    "general": ("General",),
}
ALUMNI_NAMES = ("Alumni lounge", "Espacio de egresados/as")


def mark_defaults(apps, schema_editor):
    Space = apps.get_model("spaces", "Space")
    for space in Space.objects.select_related("group").iterator():
        names = KIND_NAMES.get(space.kind, ())
        if space.scope == "program":
            default = space.name in names
        elif space.scope == "alumni":
            default = space.name in ALUMNI_NAMES
        elif space.scope == "group" and space.group is not None:
            default = space.name in {f"{space.group.name} · {n}" for n in names}
        else:
            default = False
        if default:
            Space.objects.filter(pk=space.pk).update(name_is_default=True)


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_checkin_mentor_audience"),
    ]

    operations = [
        migrations.AddField(
            model_name="space",
            name="name_is_default",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_defaults, migrations.RunPython.noop),
    ]
