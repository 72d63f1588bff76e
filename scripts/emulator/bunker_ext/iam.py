"""IAM: service-linked roles named as AWS names them, and refused twice as AWS refuses.

moto 5.2.1 derives the role name from the service principal's first label, so
`backup.amazonaws.com` became `AWSServiceRoleForbackup`; AWS calls it `AWSServiceRoleForBackup`
(AWS Backup developer guide, "Using service-linked roles"). A second CreateServiceLinkedRole for
an existing role was 409 EntityAlreadyExists; AWS answers 400 InvalidInput ("Service role name
... has been taken in this account, please try a different suffix."), which CloudFormation
helpers and Bunker treat as "already there".
When moto loaded the AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES=true), the role also
gets the managed policy AWS attaches to it, so ListAttachedRolePolicies looks as on AWS.
"""
from moto.iam import models as iam_models
from moto.iam.exceptions import InvalidInput

SERVICE_NAMES = {"backup": "Backup"}

# Managed policy AWS attaches to a service's linked role, by service principal.
SLR_POLICIES = {
    "backup.amazonaws.com":
        "arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup",
}


def install():
    iam_models.SERVICE_NAME_CONVERSION.update(SERVICE_NAMES)
    B = iam_models.IAMBackend
    orig = B.create_service_linked_role

    def create_service_linked_role(self, service_name, description, suffix):
        probe = _role_name(service_name, suffix)
        if any(r.name == probe for r in self.roles.values()):
            raise InvalidInput(
                f"Service role name {probe} has been taken in this account, please try a "
                f"different suffix.")
        role = orig(self, service_name, description, suffix)
        arn = SLR_POLICIES.get(service_name)
        if arn and any(p.arn == arn for p in self.managed_policies.values()):
            self.attach_role_policy(arn, role.name)
        return role

    B.create_service_linked_role = create_service_linked_role


def _role_name(service_name, suffix):
    # Same derivation as moto's (with our name table), so the pre-check names the same role.
    parts = service_name.split(".")
    service, prefix = parts[-3], parts[0]
    if service != prefix:
        prefix = "".join(x.capitalize() for x in prefix.split("-"))
        service = iam_models.SERVICE_NAME_CONVERSION.get(service, service) + "_" + prefix
    else:
        service = iam_models.SERVICE_NAME_CONVERSION.get(service, service)
    name = f"AWSServiceRoleFor{service}"
    return f"{name}_{suffix}" if suffix else name
