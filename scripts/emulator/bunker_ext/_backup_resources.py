"""The resources AWS Backup protects, read from and restored into moto's own stores.

Four types: S3 buckets, DynamoDB tables, EBS volumes and RDS DB instances. ``discover`` lists
an account's resources of a Region with their tags (what a backup selection matches);
``restore_metadata`` is what GetRecoveryPointRestoreMetadata answers for a point of the
resource, with the keys AWS Backup's restore pages name (AWS Backup developer guide, "Restore a
backup by resource type": S3 ``DestinationBucketName``/``NewBucket``, DynamoDB
``targetTableName``, EBS ``availabilityZone``/``volumeSize``/``volumeType``/``encrypted``/
``kmsKeyId``, RDS ``DBInstanceIdentifier``/``DBInstanceClass``/``Engine``/
``AllocatedStorage``); ``restore`` creates the resource back from such metadata and answers its
ARN, or raises RestoreError with the store's own complaint (a name already taken, say).
Continuous backup exists for S3 and RDS (AWS Backup developer guide, "Continuous backups and
point-in-time recovery (PITR)"); Aurora and SAP HANA too, which the emulator does not restore.
"""
CONTINUOUS_TYPES = {"S3", "RDS", "Aurora"}
RESTORABLE = ("S3", "DynamoDB", "EBS", "RDS")


class RestoreError(Exception):
    pass


def _s3():
    from moto.s3.models import s3_backends
    return s3_backends


def _tags_list(tags):
    return {t["Key"]: t.get("Value", "") for t in tags or []}


def discover(account_id, region):
    """[(arn, resource type, {tag: value})] of the account's resources in the Region."""
    out = []
    try:
        s3 = _s3()[account_id]["aws"]
        for bucket in list(s3.buckets.values()):
            if getattr(bucket, "region_name", region) != region:
                continue
            tags = _tags_list(s3.tagger.list_tags_for_resource(bucket.arn)["Tags"])
            out.append((bucket.arn, "S3", tags))
    except KeyError:
        pass
    from moto.dynamodb.models import dynamodb_backends
    from moto.ec2.models import ec2_backends
    from moto.rds.models import rds_backends

    ddb = dynamodb_backends[account_id][region]
    for table in list(ddb.tables.values()):
        out.append((table.table_arn, "DynamoDB", _tags_list(table.tags)))
    ec2 = ec2_backends[account_id][region]
    for volume in list(ec2.volumes.values()):
        out.append((f"arn:aws:ec2:{region}:{account_id}:volume/{volume.id}", "EBS",
                    dict(ec2.tags.get(volume.id, {}))))
    rds = rds_backends[account_id][region]
    for db in list(rds.databases.values()):
        if getattr(db, "db_cluster_identifier", None):
            continue  # cluster members are backed up as the cluster (Aurora)
        out.append((db.arn, "RDS", _tags_list(db.tags)))
    return out


def _name(arn):
    return arn.split(":")[-1].split("/")[-1]


def _find(account_id, arn, resource_type):
    region = arn.split(":")[3]
    name = _name(arn)
    if resource_type == "S3":
        return _s3()[account_id]["aws"].buckets.get(name)
    if resource_type == "DynamoDB":
        from moto.dynamodb.models import dynamodb_backends
        return dynamodb_backends[account_id][region].tables.get(name)
    if resource_type == "EBS":
        from moto.ec2.models import ec2_backends
        return ec2_backends[account_id][region].volumes.get(name)
    if resource_type == "RDS":
        from moto.rds.models import rds_backends
        return rds_backends[account_id][region].databases.get(name)
    return None


def missing(account_id, arn, resource_type, strict=False):
    """Why the resource cannot be backed up (it is gone), or None."""
    if resource_type != "S3" and not (strict and resource_type in RESTORABLE):
        return None
    try:
        found = _find(account_id, arn, resource_type)
    except Exception:  # noqa: BLE001 - store shaped differently: do not guess
        return None
    if found is None:
        kind = {"S3": "Bucket", "DynamoDB": "Table", "EBS": "Volume",
                "RDS": "DB instance"}[resource_type]
        return f"{kind} {_name(arn)} does not exist"
    return None


def restore_metadata(account_id, region, arn, resource_type):
    """Restore metadata of a new point of the resource (None for other types)."""
    try:
        found = _find(account_id, arn, resource_type)
    except Exception:  # noqa: BLE001
        found = None
    if found is None:
        return None
    if resource_type == "S3":
        return {"DestinationBucketName": found.name, "NewBucket": "true",
                "Encrypted": "false"}
    if resource_type == "DynamoDB":
        return {"targetTableName": found.name,
                "keySchema": _json(found.schema), "attributeDefinitions": _json(found.attr),
                "billingMode": getattr(found, "billing_mode", None) or "PAY_PER_REQUEST"}
    if resource_type == "EBS":
        return {"availabilityZone": found.zone.name if hasattr(found.zone, "name")
                else str(found.zone), "volumeSize": str(found.size),
                "volumeType": found.volume_type, "encrypted": str(bool(found.encrypted)).lower(),
                **({"kmsKeyId": found.kms_key_id} if found.kms_key_id else {})}
    if resource_type == "RDS":
        return {"DBInstanceIdentifier": found.db_instance_identifier,
                "DBInstanceClass": found.db_instance_class, "Engine": found.engine,
                "AllocatedStorage": str(found.allocated_storage or 20)}
    return None


def _json(value):
    import json
    return json.dumps(value, separators=(",", ":"))


def restore(account_id, region, resource_type, metadata):
    """Create the resource from restore metadata; its ARN. RestoreError says why not."""
    import json

    try:
        if resource_type == "S3":
            name = metadata.get("DestinationBucketName")
            if not name:
                raise RestoreError("DestinationBucketName is required to restore an S3 backup")
            s3 = _s3()[account_id]["aws"]
            if name in s3.buckets:
                if str(metadata.get("NewBucket", "true")).lower() == "true":
                    raise RestoreError(f"Bucket {name} already exists")
                return s3.buckets[name].arn
            return s3.create_bucket(name, region).arn
        if resource_type == "DynamoDB":
            from moto.dynamodb.models import dynamodb_backends

            name = metadata.get("targetTableName")
            if not name:
                raise RestoreError("targetTableName is required to restore a DynamoDB backup")
            billing = metadata.get("billingMode") or "PAY_PER_REQUEST"
            table = dynamodb_backends[account_id][region].create_table(
                name, schema=json.loads(metadata["keySchema"]),
                throughput=None if billing == "PAY_PER_REQUEST" else
                {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                attr=json.loads(metadata["attributeDefinitions"]), global_indexes=None,
                indexes=None, streams=None, billing_mode=billing, sse_specification=None,
                tags=[], deletion_protection_enabled=False, warm_throughput=None)
            return table.table_arn
        if resource_type == "EBS":
            from moto.ec2.models import ec2_backends

            kms = metadata.get("kmsKeyId")
            volume = ec2_backends[account_id][region].create_volume(
                size=int(metadata.get("volumeSize") or 8),
                zone_name=metadata.get("availabilityZone") or f"{region}a",
                encrypted=str(metadata.get("encrypted", "false")).lower() == "true" or bool(kms),
                kms_key_id=kms, volume_type=metadata.get("volumeType"))
            return f"arn:aws:ec2:{region}:{account_id}:volume/{volume.id}"
        if resource_type == "RDS":
            from moto.rds.models import rds_backends

            ident = metadata.get("DBInstanceIdentifier")
            if not ident:
                raise RestoreError("DBInstanceIdentifier is required to restore an RDS backup")
            db = rds_backends[account_id][region].create_db_instance({
                "db_instance_identifier": ident,
                "db_instance_class": metadata.get("DBInstanceClass") or "db.t3.micro",
                "engine": metadata.get("Engine") or "mysql",
                "allocated_storage": int(metadata.get("AllocatedStorage") or 20)})
            return db.arn
    except RestoreError:
        raise
    except Exception as e:  # the store's own refusal (name taken, bad value)
        raise RestoreError(getattr(e, "message", None) or str(e)) from None
    raise RestoreError(f"The emulator does not restore {resource_type} backups")
