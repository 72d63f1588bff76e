# The central part of one backup_deployment (examples/quickstart's spec: plans "daily" and
# "monthly", the latter on the logically air-gapped vault, restore sharing on), written with
# hashicorp/aws 5.100.0 resources, object for object as bunker.topology renders it (Names,
# KeyPolicy, VaultPolicies, RolePolicies, EventDocuments, StateMachineDefinitions,
# BackupPolicyDocuments, ResourceShareSpec). The documents are the same statements; only the JSON key order differs.
#
# Differences from backup_deployment, on purpose and stated in docs/benchmarks.md:
# - RAM principals are the target OU ARNs (Bunker lists the target accounts when it knows them);
#   one aws_ram_principal_association per OU.
# - No StackSet: this version of backup_deployment builds none either.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

locals {
  c       = "immutable-aws-backup-${var.name}"
  m       = "orgdeploy-immutable-aws-backup-${var.name}"
  account = var.central_account_id
  targets = sort(tolist(var.backup_targets))
  tags    = merge(var.tags, { "bunker:deployment" = var.name })

  lag_vault          = "${local.c}-lag"
  intermediate_vault = "${local.c}-intermediate"
  standard_vault     = "${local.c}-standard"
  vault_arn          = "arn:aws:backup:${var.region}:${local.account}:backup-vault:"
  lag_arn            = "${local.vault_arn}${local.lag_vault}"
  intermediate_arn   = "${local.vault_arn}${local.intermediate_vault}"
  standard_arn       = "${local.vault_arn}${local.standard_vault}"
  role_arn           = "arn:aws:iam::${local.account}:role/"
  backup_role_arn    = "${local.role_arn}${local.c}-backup-service-role"
  slr_central        = "${local.role_arn}aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"
  slr_any            = "arn:aws:iam::*:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"
  bus_arn            = "arn:aws:events:${var.region}:${local.account}:event-bus/${local.c}"
  sm_arn             = "arn:aws:states:${var.region}:${local.account}:stateMachine:"
  org_paths          = [for ou in local.targets : "${var.organization_id}/*/${ou}/*"]
  via_backup         = "backup.${var.region}.amazonaws.com"

  crypto = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
  "kms:ReEncrypt*"]
  grants       = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
  in_central   = { ArnLike = { "aws:PrincipalArn" = [local.backup_role_arn, local.slr_central] } }
  workload_arn = ["arn:aws:iam::*:role/${local.m}-backup-service-role", "arn:aws:iam::*:role/${local.m}-restore-role", local.slr_any]

  key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "EnableCentralAccountAdministration", Effect = "Allow",
      Principal = { AWS = "arn:aws:iam::${local.account}:root" }, Action = ["kms:*"], Resource = "*" },
      { Sid    = "AllowCentralBackupUse", Effect = "Allow", Principal = { AWS = "*" },
        Action = local.crypto, Resource = "*",
      Condition = merge(local.in_central, { StringEquals = { "kms:ViaService" = local.via_backup } }) },
      { Sid    = "AllowCentralBackupGrants", Effect = "Allow", Principal = { AWS = "*" },
        Action = local.grants, Resource = "*",
      Condition = merge(local.in_central, { Bool = { "kms:GrantIsForAWSResource" = "true" } }) },
      { Sid    = "AllowWorkloadBackupUse", Effect = "Allow", Principal = { AWS = "*" },
        Action = local.crypto, Resource = "*",
        Condition = {
          ArnLike                  = { "aws:PrincipalArn" = local.workload_arn }
          "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = local.org_paths }
          StringEquals             = { "kms:ViaService" = local.via_backup }
      } },
      { Sid    = "AllowWorkloadBackupGrants", Effect = "Allow", Principal = { AWS = "*" },
        Action = local.grants, Resource = "*",
        Condition = {
          ArnLike                  = { "aws:PrincipalArn" = local.workload_arn }
          "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = local.org_paths }
          Bool                     = { "kms:GrantIsForAWSResource" = "true" }
      } },
      { Sid    = "AllowWorkloadVaultCreation", Effect = "Allow", Principal = { AWS = "*" },
        Action = ["kms:CreateGrant", "kms:DescribeKey"], Resource = "*",
        Condition = {
          ArnLike                  = { "aws:PrincipalArn" = "arn:aws:iam::*:role/${local.m}-deployment-helper" }
          "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = local.org_paths }
          StringEquals             = { "kms:ViaService" = local.via_backup }
      } },
    ]
  })

  protected = ["backup:DeleteBackupVault", "backup:DeleteBackupVaultAccessPolicy",
    "backup:DeleteBackupVaultLockConfiguration", "backup:DeleteBackupVaultNotifications",
    "backup:DeleteRecoveryPoint", "backup:PutBackupVaultAccessPolicy",
    "backup:PutBackupVaultLockConfiguration", "backup:PutBackupVaultNotifications",
  "backup:UpdateRecoveryPointLifecycle"]
  exempt = [var.deployer_role_arn, local.backup_role_arn, "${local.role_arn}${local.c}-ingest-sfn",
  local.slr_central]
  copies_in = { Sid = "AllowWorkloadCopiesIn", Effect = "Allow", Principal = { AWS = "*" },
    Action = ["backup:CopyIntoBackupVault"], Resource = "*",
    Condition = {
      ArnLike                  = { "aws:PrincipalArn" = ["arn:aws:iam::*:role/${local.m}-backup-service-role"] }
      "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = local.org_paths }
  } }
  protect = { Sid = "ProtectVaultAndContents", Effect = "Deny", Principal = { AWS = "*" },
  Action = local.protected, Resource = "*", Condition = { ArnNotLike = { "aws:PrincipalArn" = local.exempt } } }
  copy_target_policy = jsonencode({ Version = "2012-10-17", Statement = [local.copies_in, local.protect] })
  standard_policy    = jsonencode({ Version = "2012-10-17", Statement = [local.protect] })

  managed_policies = [
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
  ]
}

# ---- KMS ----

resource "aws_kms_key" "this" {
  description             = "Bunker backup deployment ${var.name}"
  policy                  = local.key_policy
  enable_key_rotation     = true
  deletion_window_in_days = 7
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.c}"
  target_key_id = aws_kms_key.this.key_id
}

# ---- IAM ----

resource "aws_iam_role" "backup_service" {
  name        = "${local.c}-backup-service-role"
  description = "Bunker deployment ${var.name}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Sid    = "TrustService", Effect = "Allow", Principal = { Service = "backup.amazonaws.com" },
    Action = ["sts:AssumeRole"], Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
  }] })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "backup_service" {
  for_each   = toset(local.managed_policies)
  role       = aws_iam_role.backup_service.name
  policy_arn = each.value
}

locals {
  machines = {
    ingest  = { copy = ["backup:DescribeCopyJob", "backup:StartCopyJob", "backup:UpdateRecoveryPointLifecycle"] }
    restore = { copy = ["backup:DescribeCopyJob", "backup:StartCopyJob"] }
  }
}

resource "aws_iam_role" "sfn" {
  for_each    = local.machines
  name        = "${local.c}-${each.key}-sfn"
  description = "Bunker deployment ${var.name}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Sid = "TrustService", Effect = "Allow", Principal = { Service = "states.amazonaws.com" },
    Action = ["sts:AssumeRole"], Condition = {
      StringEquals = { "aws:SourceAccount" = local.account }
      ArnLike      = { "aws:SourceArn" = "${local.sm_arn}${local.c}-${each.key}" }
    }
  }] })
  tags = local.tags
}

resource "aws_iam_role_policy" "sfn" {
  for_each = local.machines
  name     = each.key
  role     = aws_iam_role.sfn[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "CopyRecoveryPoints", Effect = "Allow", Action = each.value.copy, Resource = "*" },
    { Sid      = "PassBackupServiceRole", Effect = "Allow", Action = ["iam:PassRole"],
      Resource = local.backup_role_arn,
    Condition = { StringEquals = { "iam:PassedToService" = "backup.amazonaws.com" } } },
    { Sid = "ReadDeploymentVaults", Effect = "Allow", Action = ["backup:DescribeBackupVault"],
    Resource = [local.intermediate_arn, local.standard_arn] },
    { Sid = "DeliverExecutionLogs", Effect = "Allow", Action = ["logs:CreateLogDelivery",
      "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery"], Resource = "*" },
  ] })
}

resource "aws_iam_role" "events" {
  name        = "${local.c}-events"
  description = "Bunker deployment ${var.name}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Sid    = "TrustService", Effect = "Allow", Principal = { Service = "events.amazonaws.com" },
    Action = ["sts:AssumeRole"], Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
  }] })
  tags = local.tags
}

resource "aws_iam_role_policy" "events" {
  name = "events"
  role = aws_iam_role.events.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "PutEventsOnDeploymentBus", Effect = "Allow", Action = ["events:PutEvents"], Resource = local.bus_arn },
    { Sid = "StartIngest", Effect = "Allow", Action = ["states:StartExecution"], Resource = "${local.sm_arn}${local.c}-ingest" },
  ] })
}

# ---- Backup vaults ----

resource "aws_backup_vault" "intermediate" {
  name          = local.intermediate_vault
  kms_key_arn   = aws_kms_key.this.arn
  force_destroy = var.force_destroy
  tags          = local.tags
}

resource "aws_backup_vault_policy" "intermediate" {
  backup_vault_name = aws_backup_vault.intermediate.name
  policy            = local.copy_target_policy
}

resource "aws_backup_vault" "standard" {
  name          = local.standard_vault
  force_destroy = var.force_destroy
  tags          = local.tags
}

resource "aws_backup_vault_lock_configuration" "standard" {
  backup_vault_name   = aws_backup_vault.standard.name
  changeable_for_days = 3
  min_retention_days  = var.min_retention_days
  max_retention_days  = var.max_retention_days
}

resource "aws_backup_vault_policy" "standard" {
  backup_vault_name = aws_backup_vault.standard.name
  policy            = local.standard_policy
  depends_on        = [aws_backup_vault_lock_configuration.standard]
}

resource "aws_backup_logically_air_gapped_vault" "lag" {
  name               = local.lag_vault
  min_retention_days = var.min_retention_days
  max_retention_days = var.max_retention_days
  tags               = local.tags
}

resource "aws_backup_vault_policy" "lag" {
  backup_vault_name = aws_backup_logically_air_gapped_vault.lag.name
  policy            = local.copy_target_policy
}

# ---- EventBridge ----

resource "aws_cloudwatch_event_bus" "this" {
  name = local.c
  tags = local.tags
}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Sid    = "AllowWorkloadForwarders", Effect = "Allow", Principal = { AWS = "*" },
    Action = ["events:PutEvents"], Resource = local.bus_arn,
    Condition = {
      ArnLike                  = { "aws:PrincipalArn" = ["arn:aws:iam::*:role/${local.m}-event-forwarder"] }
      "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = local.org_paths }
    }
  }] })
}

resource "aws_cloudwatch_event_rule" "forward" {
  name           = "${local.c}-forward"
  description    = "Bunker deployment ${var.name}"
  event_bus_name = "default"
  event_pattern = jsonencode({
    source        = ["aws.backup"]
    "detail-type" = ["Copy Job State Change"]
    detail        = { destinationBackupVaultArn = [local.intermediate_arn, local.lag_arn] }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "forward" {
  rule           = aws_cloudwatch_event_rule.forward.name
  event_bus_name = "default"
  target_id      = "bunker"
  arn            = aws_cloudwatch_event_bus.this.arn
  role_arn       = aws_iam_role.events.arn
}

resource "aws_cloudwatch_event_rule" "ingest" {
  name           = "${local.c}-ingest"
  description    = "Bunker deployment ${var.name}"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern = jsonencode({
    source        = ["aws.backup"]
    "detail-type" = ["Copy Job State Change"]
    detail = {
      state                     = ["COMPLETED"]
      destinationBackupVaultArn = [local.intermediate_arn]
      sourceBackupVaultArn      = [{ "anything-but" = [local.standard_arn] }]
    }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "ingest" {
  count          = var.state_machines ? 1 : 0
  rule           = aws_cloudwatch_event_rule.ingest.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "bunker"
  arn            = aws_sfn_state_machine.this["ingest"].arn
  role_arn       = aws_iam_role.events.arn
}

# ---- Step Functions ----

resource "aws_cloudwatch_log_group" "sfn" {
  for_each          = local.machines
  name              = "/aws/vendedlogs/states/${local.c}-${each.key}"
  retention_in_days = 90
  tags              = local.tags
}

resource "aws_sfn_state_machine" "this" {
  for_each   = var.state_machines ? local.machines : {}
  name       = "${local.c}-${each.key}"
  role_arn   = aws_iam_role.sfn[each.key].arn
  type       = "STANDARD"
  definition = local.definitions[each.key]
  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.sfn[each.key].arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }
  tags = local.tags
  # The definitions name the service role, the vaults and the log group by ARN: as in
  # backup_deployment, the machines come after them.
  depends_on = [aws_iam_role.backup_service, aws_backup_vault.intermediate, aws_backup_vault.standard]
}

# ---- RAM: the LAG vault shared with the targets (allow_backup_targets_to_restore) ----

resource "aws_ram_resource_share" "lag" {
  name                      = "${local.c}-lag"
  allow_external_principals = false
  tags                      = local.tags
}

resource "aws_ram_resource_association" "lag" {
  resource_share_arn = aws_ram_resource_share.lag.arn
  resource_arn       = aws_backup_logically_air_gapped_vault.lag.arn
}

resource "aws_ram_principal_association" "targets" {
  for_each           = toset(local.targets)
  resource_share_arn = aws_ram_resource_share.lag.arn
  principal          = "arn:aws:organizations::${var.management_account_id}:ou/${var.organization_id}/${each.value}"
}

# ---- Organizations backup policy, attached last ----

resource "aws_organizations_policy" "backup" {
  name        = local.c
  description = "Backup policy of Bunker deployment ${var.name}"
  type        = "BACKUP_POLICY"
  content     = local.backup_policy
  tags        = local.tags
  depends_on = [aws_backup_vault_policy.intermediate, aws_backup_vault_policy.standard,
    aws_backup_vault_policy.lag, aws_cloudwatch_event_target.forward,
  aws_cloudwatch_event_target.ingest, aws_sfn_state_machine.this]
}

resource "aws_organizations_policy_attachment" "backup" {
  for_each  = toset(local.targets)
  policy_id = aws_organizations_policy.backup.id
  target_id = each.value
}
