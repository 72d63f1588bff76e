# The two state-machine definitions and the Organizations backup policy, as
# bunker.topology.StateMachineDefinitions and bunker.topology.BackupPolicyDocuments render them
# for the quickstart spec.

locals {
  retry = [{
    ErrorEquals = ["Backup.ServiceUnavailableException", "Backup.LimitExceededException",
    "Backup.ThrottlingException", "Backup.InvalidResourceStateException"]
    IntervalSeconds = 5, MaxAttempts = 8, BackoffRate = 2, MaxDelaySeconds = 300,
    JitterStrategy  = "FULL"
  }]
  sdk = "arn:aws:states:::aws-sdk:backup:"

  # Wait -> DescribeCopyJob -> Choice, as StateMachineDefinitions.pollLoop.
  poll = {
    for k, p in {
      Copy             = { job = "$.copy.CopyJobId", result = "$.copyStatus", ok = "ShortenIntermediateRetention", failed = "CopyToStandardFailed", error = "IngestFailed" }
      IntermediateCopy = { job = "$.toIntermediate.CopyJobId", result = "$.intermediateCopy", ok = "CopyToWorkloadVault", failed = "CopyFailed", error = "RestoreFailed" }
      WorkloadCopy     = { job = "$.toWorkload.CopyJobId", result = "$.workloadCopy", ok = "Restored", failed = "CopyFailed", error = "RestoreFailed" }
      } : k => {
      "WaitFor${k}" = { Type = "Wait", Seconds = 60, Next = "Describe${k}" }
      "Describe${k}" = {
        Type       = "Task", Resource = "${local.sdk}describeCopyJob",
        Parameters = { "CopyJobId.$" = p.job }, ResultSelector = { "CopyJob.$" = "$.CopyJob" },
        ResultPath = p.result, Retry = local.retry,
        Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = p.error }],
        Next       = "Check${k}"
      }
      "Check${k}" = {
        Type = "Choice",
        Choices = [
          { Variable = "${p.result}.CopyJob.State", StringEquals = "COMPLETED", Next = p.ok },
          { Or = [{ Variable = "${p.result}.CopyJob.State", StringEquals = "CREATED" },
          { Variable = "${p.result}.CopyJob.State", StringEquals = "RUNNING" }], Next = "WaitFor${k}" },
        ]
        Default = p.failed
      }
    }
  }
  catch_to  = { for s in ["IngestFailed", "RestoreFailed"] : s => [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = s }] }
  fail      = { Type = "Fail", ErrorPath = "$.error.Error", CausePath = "$.error.Cause" }
  lifecycle = { DeleteAfterDays = var.intermediate_retention_days }

  definitions = {
    ingest = jsonencode({
      Comment        = "Copies recovery points that reached ${local.intermediate_vault} to ${local.standard_vault}, then shortens their intermediate retention."
      StartAt        = "CopyToStandardVault"
      TimeoutSeconds = 604800
      States = merge({
        CopyToStandardVault = {
          Type = "Task", Resource = "${local.sdk}startCopyJob",
          Parameters = {
            "RecoveryPointArn.$"      = "$.detail.destinationRecoveryPointArn"
            SourceBackupVaultName     = local.intermediate_vault
            DestinationBackupVaultArn = local.standard_arn
            IamRoleArn                = local.backup_role_arn
            "IdempotencyToken.$"      = "$.detail.copyJobId"
          }
          ResultSelector = { "CopyJobId.$" = "$.CopyJobId" }, ResultPath = "$.copy",
          Retry          = local.retry, Catch = local.catch_to.IngestFailed, Next = "WaitForCopy"
        }
        ShortenIntermediateRetention = {
          Type = "Task", Resource = "${local.sdk}updateRecoveryPointLifecycle",
          Parameters = {
            BackupVaultName      = local.intermediate_vault
            "RecoveryPointArn.$" = "$.detail.destinationRecoveryPointArn"
            Lifecycle            = local.lifecycle
          }
          ResultPath = null, Retry = local.retry, Catch = local.catch_to.IngestFailed, Next = "Ingested"
        }
        Ingested = { Type = "Succeed" }
        CopyToStandardFailed = { Type = "Fail", Error = "CopyJobFailed",
        Cause = "The copy from the intermediate vault to the standard vault ended in a state other than COMPLETED; see the copy job's StatusMessage." }
        IngestFailed = local.fail
      }, local.poll.Copy)
    })
    restore = jsonencode({
      Comment        = "Copies a recovery point from ${local.standard_vault} to a workload account's ${local.m}-restore vault."
      StartAt        = "CheckInput"
      TimeoutSeconds = 604800
      States = merge({
        CheckInput = {
          Type = "Choice",
          Choices = [{ And = [{ Variable = "$.recoveryPointArn", IsString = true },
          { Variable = "$.destinationAccountId", IsString = true }], Next = "CopyToIntermediateVault" }]
          Default = "InvalidInput"
        }
        CopyToIntermediateVault = {
          Type = "Task", Resource = "${local.sdk}startCopyJob",
          Parameters = {
            "RecoveryPointArn.$"      = "$.recoveryPointArn"
            SourceBackupVaultName     = local.standard_vault
            DestinationBackupVaultArn = local.intermediate_arn
            IamRoleArn                = local.backup_role_arn
            "IdempotencyToken.$"      = "States.Format('{}-intermediate', $$.Execution.Name)"
            Lifecycle                 = local.lifecycle
          }
          ResultSelector = { "CopyJobId.$" = "$.CopyJobId" }, ResultPath = "$.toIntermediate",
          Retry          = local.retry, Catch = local.catch_to.RestoreFailed, Next = "WaitForIntermediateCopy"
        }
        CopyToWorkloadVault = {
          Type = "Task", Resource = "${local.sdk}startCopyJob",
          Parameters = {
            "RecoveryPointArn.$"          = "$.intermediateCopy.CopyJob.DestinationRecoveryPointArn"
            SourceBackupVaultName         = local.intermediate_vault
            "DestinationBackupVaultArn.$" = "States.Format('arn:aws:backup:${var.region}:{}:backup-vault:${local.m}-restore', $.destinationAccountId)"
            IamRoleArn                    = local.backup_role_arn
            "IdempotencyToken.$"          = "States.Format('{}-workload', $$.Execution.Name)"
            Lifecycle                     = local.lifecycle
          }
          ResultSelector = { "CopyJobId.$" = "$.CopyJobId" }, ResultPath = "$.toWorkload",
          Retry          = local.retry, Catch = local.catch_to.RestoreFailed, Next = "WaitForWorkloadCopy"
        }
        Restored = { Type = "Pass", End = true, Parameters = {
          "recoveryPointArn.$" = "$.workloadCopy.CopyJob.DestinationRecoveryPointArn"
          "backupVaultArn.$"   = "$.workloadCopy.CopyJob.DestinationBackupVaultArn"
        } }
        InvalidInput = { Type = "Fail", Error = "InvalidInput",
        Cause = "Input must be {\"recoveryPointArn\": \"arn:…\", \"destinationAccountId\": \"123456789012\"}." }
        CopyFailed = { Type = "Fail", Error = "CopyJobFailed",
        Cause = "A restore copy ended in a state other than COMPLETED; see the copy job's StatusMessage." }
        RestoreFailed = local.fail
      }, local.poll.IntermediateCopy, local.poll.WorkloadCopy)
    })
  }

  # ---- backup policy ----
  lag_types = ["arn:aws:backup-gateway:*:*:vm/*", "arn:aws:cloudformation:*:*:stack/*",
    "arn:aws:dynamodb:*:*:table/*", "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:*:volume/*",
    "arn:aws:elasticfilesystem:*:*:file-system/*", "arn:aws:rds:*:*:cluster:*", "arn:aws:s3:::*",
  "arn:aws:storagegateway:*:*:gateway/*", "arn:aws:timestream:*:*:database/*/table/*"]
  other_types = ["arn:aws:fsx:*:*:file-system/*", "arn:aws:fsx:*:*:volume/*",
  "arn:aws:rds:*:*:db:*", "arn:aws:redshift:*:*:cluster:*", "arn:aws:ssm-sap:*:*:HANA/*"]

  # policy plan name -> (deployment plan, rule, copy target, resource types, windows)
  policy_plans = {
    "${local.c}-daily-std"   = { plan = "daily", rule = "0", cron = "cron(0 5 ? * * *)", days = 35, target = local.intermediate_arn, types = ["*"], start = "60", done = "180" }
    "${local.c}-monthly-lag" = { plan = "monthly", rule = "first-of-month", cron = "cron(0 3 1 * ? *)", days = 365, target = local.lag_arn, types = local.lag_types, start = null, done = null }
    "${local.c}-monthly-std" = { plan = "monthly", rule = "first-of-month", cron = "cron(0 3 1 * ? *)", days = 365, target = local.intermediate_arn, types = local.other_types, start = null, done = null }
  }

  backup_policy = jsonencode({ plans = { for name, p in local.policy_plans : name => {
    regions = { "@@assign" = [var.region] }
    rules = { (p.rule) = merge(
      {
        schedule_expression      = { "@@assign" = p.cron }
        target_backup_vault_name = { "@@assign" = "${local.m}-backup" }
        lifecycle                = { delete_after_days = { "@@assign" = tostring(p.days) } }
        copy_actions = { (p.target) = {
          target_backup_vault_arn = { "@@assign" = p.target }
          lifecycle               = { delete_after_days = { "@@assign" = tostring(p.days) } }
        } }
        recovery_point_tags = { bunker-deployment = {
          tag_key = { "@@assign" = "bunker:deployment" }, tag_value = { "@@assign" = var.name }
        } }
      },
      p.start == null ? {} : {
        start_backup_window_minutes    = { "@@assign" = p.start }
        complete_backup_window_minutes = { "@@assign" = p.done }
    }) }
    selections = { resources = { (p.plan) = {
      iam_role_arn   = { "@@assign" = "arn:aws:iam::$account:role/${local.m}-backup-service-role" }
      resource_types = { "@@assign" = p.types }
      conditions = { string_equals = { plan-name-tag = {
        condition_key   = { "@@assign" = "aws:ResourceTag/${var.backup_tag_key}" }
        condition_value = { "@@assign" = p.plan }
      } } }
    } } }
  } } })
}
