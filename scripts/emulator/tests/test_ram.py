"""RAM extension: sharing a backup vault from a member (central backup) account with OUs."""

import pytest
from botocore.exceptions import ClientError
from conftest import error_code, fresh_account_id

REGION = "us-east-1"


@pytest.fixture
def org(as_account):
    """Organisation with workloads/prod, a central account (owner) and a prod member."""
    mgmt = fresh_account_id()
    o = as_account("organizations", mgmt)
    org = o.create_organization(FeatureSet="ALL")["Organization"]
    root = o.list_roots()["Roots"][0]["Id"]
    workloads = o.create_organizational_unit(ParentId=root, Name="workloads")[
        "OrganizationalUnit"]
    prod = o.create_organizational_unit(ParentId=workloads["Id"], Name="prod")[
        "OrganizationalUnit"]
    central = o.create_account(AccountName="c", Email="c@example.com")[
        "CreateAccountStatus"]["AccountId"]
    member = o.create_account(AccountName="p", Email="p@example.com")[
        "CreateAccountStatus"]["AccountId"]
    o.move_account(AccountId=member, SourceParentId=root, DestinationParentId=prod["Id"])
    vault = as_account("backup", central).create_backup_vault(BackupVaultName="lag")[
        "BackupVaultArn"]
    return {"orgs": o, "org": org, "workloads": workloads, "prod": prod, "central": central,
            "member": member, "vault": vault, "mgmt": mgmt}


def test_ou_principal_needs_sharing_enabled(org, as_account):
    ram = as_account("ram", org["central"])
    with pytest.raises(ClientError) as e:
        ram.create_resource_share(name="s", principals=[org["prod"]["Arn"]])
    assert error_code(e) == "OperationNotPermittedException"
    # Enabling it from the management account turns on RAM's trusted access in Organizations.
    assert as_account("ram", org["mgmt"]).enable_sharing_with_aws_organization()["returnValue"]
    enabled = org["orgs"].list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert "ram.amazonaws.com" in [s["ServicePrincipal"] for s in enabled]
    ram.create_resource_share(name="s", principals=[org["prod"]["Arn"]])


def test_share_backup_vault_with_nested_ou(org, as_account):
    org["orgs"].enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    ram = as_account("ram", org["central"])
    share = ram.create_resource_share(
        name="lag-share", resourceArns=[org["vault"]], principals=[org["prod"]["Arn"]],
        allowExternalPrincipals=False, tags=[{"key": "k", "value": "v"}])["resourceShare"]
    arn = share["resourceShareArn"]
    assert share["status"] == "ACTIVE" and share["tags"] == [{"key": "k", "value": "v"}]

    res = ram.get_resource_share_associations(associationType="RESOURCE",
                                              resourceShareArns=[arn])
    assert [(a["associatedEntity"], a["status"]) for a in res["resourceShareAssociations"]] == [
        (org["vault"], "ASSOCIATED")]
    perms = ram.list_resource_share_permissions(resourceShareArn=arn)["permissions"]
    assert [p["name"] for p in perms] == ["AWSRAMDefaultPermissionBackupVault"]
    assert perms[0]["resourceType"] == "backup:BackupVault"
    listed = ram.list_resources(resourceOwner="SELF", resourceShareArns=[arn])["resources"]
    assert [(r["arn"], r["type"]) for r in listed] == [(org["vault"], "backup:BackupVault")]

    # The prod member sees the share and the vault; an account outside the OU does not.
    member_ram = as_account("ram", org["member"])
    theirs = member_ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert [s["resourceShareArn"] for s in theirs] == [arn]
    got = member_ram.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert [r["arn"] for r in got] == [org["vault"]]
    assert as_account("ram", org["mgmt"]).get_resource_shares(
        resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []

    # Filters are honoured.
    assert ram.get_resource_shares(resourceOwner="SELF", name="nope")["resourceShares"] == []
    assert len(ram.get_resource_shares(resourceOwner="SELF", resourceShareArns=[arn],
                                       tagFilters=[{"tagKey": "k", "tagValues": ["v"]}])[
        "resourceShares"]) == 1

    ram.delete_resource_share(resourceShareArn=arn)
    after = ram.get_resource_shares(resourceOwner="SELF", resourceShareArns=[arn])
    assert after["resourceShares"][0]["status"] == "DELETED"
    assert member_ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")[
        "resourceShares"] == []


def test_associate_and_disassociate(org, as_account):
    org["orgs"].enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    ram = as_account("ram", org["central"])
    arn = ram.create_resource_share(name="empty")["resourceShare"]["resourceShareArn"]
    assert ram.list_resource_share_permissions(resourceShareArn=arn)["permissions"] == []

    out = ram.associate_resource_share(resourceShareArn=arn, resourceArns=[org["vault"]],
                                       principals=[org["workloads"]["Arn"], org["member"]])
    assert {a["status"] for a in out["resourceShareAssociations"]} == {"ASSOCIATING"}
    princ = ram.get_resource_share_associations(associationType="PRINCIPAL",
                                                resourceShareArns=[arn])
    assert {(a["associatedEntity"], a["status"]) for a in princ["resourceShareAssociations"]} == {
        (org["workloads"]["Arn"], "ASSOCIATED"), (org["member"], "ASSOCIATED")}
    assert len(ram.list_resource_share_permissions(resourceShareArn=arn)["permissions"]) == 1
    assert {p["id"] for p in ram.list_principals(resourceOwner="SELF")["principals"]
            if p["resourceShareArn"] == arn} == {org["workloads"]["Arn"], org["member"]}

    out = ram.disassociate_resource_share(resourceShareArn=arn,
                                          principals=[org["member"]])
    assert out["resourceShareAssociations"][0]["status"] == "DISASSOCIATING"
    princ = ram.get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[arn], associationStatus="ASSOCIATED")
    assert [a["associatedEntity"] for a in princ["resourceShareAssociations"]] == [
        org["workloads"]["Arn"]]
    gone = ram.get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[arn], associationStatus="DISASSOCIATED")
    assert [a["associatedEntity"] for a in gone["resourceShareAssociations"]] == [org["member"]]

    with pytest.raises(ClientError) as e:
        ram.disassociate_resource_share(resourceShareArn=arn, principals=[org["member"]])
    assert error_code(e) == "UnknownResourceException"


def test_errors(org, as_account):
    org["orgs"].enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    ram = as_account("ram", org["central"])
    missing_vault = org["vault"].rsplit(":", 1)[0] + ":nope"
    with pytest.raises(ClientError) as e:
        ram.create_resource_share(name="x", resourceArns=[missing_vault])
    assert error_code(e) == "UnknownResourceException"
    with pytest.raises(ClientError) as e:
        ram.create_resource_share(name="x", resourceArns=["arn:aws:backup:us-east-1:1:oops"])
    assert error_code(e) == "MalformedArnException"
    with pytest.raises(ClientError) as e:
        ram.create_resource_share(name="x", principals=["999999999999"],
                                  allowExternalPrincipals=False)
    assert error_code(e) == "OperationNotPermittedException"
    bogus = f"arn:aws:ram:{REGION}:{org['central']}:resource-share/nope"
    with pytest.raises(ClientError) as e:
        ram.associate_resource_share(resourceShareArn=bogus, principals=[org["member"]])
    assert error_code(e) == "UnknownResourceException"
    with pytest.raises(ClientError) as e:
        ram.list_resource_share_permissions(resourceShareArn=bogus)
    assert error_code(e) == "UnknownResourceException"
    arn = ram.create_resource_share(name="d")["resourceShare"]["resourceShareArn"]
    ram.delete_resource_share(resourceShareArn=arn)
    with pytest.raises(ClientError) as e:
        ram.associate_resource_share(resourceShareArn=arn, principals=[org["member"]])
    assert error_code(e) == "InvalidStateTransitionException"
