"""Physical names a stack resource claims, refused when the account already has them.

CloudFormation creates a resource with an explicit name only if no object of that name exists in
the account, whichever stack (or none) holds it. moto's IAM store already refuses a second role
of the same name, but with IAM's own error text, and its EventBridge store treats a rule's create
as PutRule, an upsert: a stack could take over, and later delete, a rule it never made. The engine
(``_cfn_engine``) asks ``conflict`` before creating a resource, so a create meets the name the way
CloudFormation's handlers report it:

- AWS::IAM::Role ``<name> already exists`` (CloudFormation's IAM role handler; the IAM API's
  EntityAlreadyExists underneath);
- AWS::Events::Rule ``Resource of type 'AWS::Events::Rule' with identifier '<name>' already
  exists.`` (the resource-registry form of the AlreadyExists handler error).

That matters most for updates: a named object moved to another logical ID is created under the
new ID while the old ID still holds it (the old one goes only in the clean-up), so the update
fails and rolls back, as on AWS. A new name under the same logical ID is a replacement
(``renamed``): the engine makes the new object first and deletes the old one in the clean-up;
moto updated the object in place and failed to find it under the new name (NoSuchEntity).
"""
from moto.cloudformation import parsing as cfn_parsing


def _role(rm, props):
    name = resolved(rm, props.get("RoleName"))
    if not name:
        return None  # CloudFormation makes up a unique name
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition
    backend = iam_backends[rm._account_id][get_partition(rm._region_name)]
    if any(r.name == name for r in backend.get_roles()):
        return f"{name} already exists"
    return None


def _rule(rm, props):
    name = resolved(rm, props.get("Name"))
    if not name:
        return None
    from moto.events.models import events_backends
    backend = events_backends[rm._account_id][rm._region_name]
    bus = str(resolved(rm, props.get("EventBusName")) or "default").split(":event-bus/")[-1]
    event_bus = backend.event_buses.get(bus)
    if event_bus is not None and name in event_bus.rules:
        return (f"Resource of type 'AWS::Events::Rule' with identifier '{name}' already "
                f"exists.")
    return None


_CHECKS = {"AWS::IAM::Role": _role, "AWS::Events::Rule": _rule}
# The property holding the explicit name; a change of it is a replacement (the resource types'
# "Update requires: Replacement").
NAME_PROPERTY = {"AWS::IAM::Role": "RoleName", "AWS::Events::Rule": "Name"}


def renamed(rm, rtype, body, old):
    """Whether updating ``old`` to ``body`` changes its explicit name (a replacement)."""
    prop = NAME_PROPERTY.get(rtype)
    if prop is None or old is None:
        return False
    wanted = resolved(rm, (body.get("Properties") or {}).get(prop))
    return bool(wanted) and wanted != getattr(old, "name", wanted)


def resolved(rm, value):
    if value is None or isinstance(value, str):
        return value
    return cfn_parsing.clean_json(value, rm)


def conflict(rm, rtype, body):
    """The reason creating ``body`` must fail because its name is taken, or None."""
    check = _CHECKS.get(rtype)
    if check is None:
        return None
    return check(rm, body.get("Properties") or {})
