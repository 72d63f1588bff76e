# Bunker beside hashicorp/aws in one configuration: AWS building blocks around a Bunker vault.
#
#   - a workload account's KMS key whose policy comes from data.backup_source_key_policy, so its
#     backups can be copied to the central account;
#   - an SNS topic (aws) that receives the notifications of a Bunker vault;
#   - a Bunker vault encrypted with a KMS key made by aws, under a Vault Lock;
#   - an AWS Backup plan and selection (aws) whose rule writes into the Bunker vault.
#
# hashicorp/aws comes from the machine's filesystem mirror: see README.md for the CLI
# configuration (TF_CLI_CONFIG_FILE) this example needs.

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup" }
    aws    = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "central_role_arn" {
  description = "Role to assume in the central (backup) account; null: the caller's account."
  type        = string
  default     = null
}

variable "workload_role_arn" {
  description = "Role to assume in the workload account that owns the source key; null: the caller's account."
  type        = string
  default     = null
}

variable "name" {
  description = "Prefix of every name this example creates."
  type        = string
  default     = "compose"
}

variable "deployment_name" {
  description = "The backup_deployment whose workload Backup service role may use the source key."
  type        = string
  default     = "quickstart"
}

variable "use_emulator" {
  description = "Skip the AWS provider's checks that a local emulator cannot answer."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Delete the vault's recovery points when it is destroyed."
  type        = bool
  default     = false
}

provider "backup" {
  assume_role {
    role_arn = var.central_role_arn
  }
}

# Region, credentials and endpoint come from the environment (AWS_REGION or AWS_DEFAULT_REGION,
# AWS_ACCESS_KEY_ID / AWS_PROFILE, AWS_ENDPOINT_URL) for both providers alike.
provider "aws" {
  skip_credentials_validation = var.use_emulator
  skip_requesting_account_id  = var.use_emulator
  skip_metadata_api_check     = var.use_emulator

  dynamic "assume_role" {
    for_each = var.central_role_arn == null ? [] : [var.central_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}

provider "aws" {
  alias                       = "workload"
  skip_credentials_validation = var.use_emulator
  skip_requesting_account_id  = var.use_emulator
  skip_metadata_api_check     = var.use_emulator

  dynamic "assume_role" {
    for_each = var.workload_role_arn == null ? [] : [var.workload_role_arn]
    content {
      role_arn = assume_role.value
    }
  }
}

data "aws_caller_identity" "central" {}

data "aws_caller_identity" "workload" {
  provider = aws.workload
}

# --- A workload key that lets the deployment copy its backups to the central account ---------

data "backup_source_key_policy" "workload" {
  central_account_id = data.aws_caller_identity.central.account_id
  account_id         = data.aws_caller_identity.workload.account_id
  deployment_name    = var.deployment_name
  # member_account_resource_name_prefix defaults to the provider's, the prefix the
  # deployments use, so the role ARNs match what the deployment creates.
}

resource "aws_kms_key" "workload" {
  provider                = aws.workload
  description             = "${var.name}: workload data whose backups are copied to the central account"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.backup_source_key_policy.workload.json
}

# --- A Bunker vault, encrypted by an aws key, notifying an aws topic -------------------------

resource "aws_kms_key" "vault" {
  description             = "${var.name}: encrypts the ${var.name}-vault backups"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_sns_topic" "backup_events" {
  name = "${var.name}-backup-events"
}

resource "aws_sns_topic_policy" "backup_events" {
  arn = aws_sns_topic.backup_events.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AwsBackupPublishes"
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "SNS:Publish"
      Resource  = aws_sns_topic.backup_events.arn
    }]
  })
}

resource "backup_vault" "app" {
  name          = "${var.name}-vault"
  kms_key_arn   = aws_kms_key.vault.arn
  force_destroy = var.force_destroy

  lock = {
    min_retention_days  = 7
    max_retention_days  = 365
    changeable_for_days = 3
  }

  notifications = {
    sns_topic_arn = aws_sns_topic.backup_events.arn
    events        = ["BACKUP_JOB_COMPLETED", "BACKUP_JOB_FAILED", "COPY_JOB_FAILED"]
  }

  tags = { example = "compose-with-aws" }

  # AWS Backup checks that it may publish to the topic.
  depends_on = [aws_sns_topic_policy.backup_events]
}

# --- An AWS Backup plan (aws) that writes into the Bunker vault ------------------------------

resource "aws_iam_role" "backup" {
  name = "${var.name}-backup-service-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_plan" "app" {
  name = "${var.name}-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = backup_vault.app.name
    schedule          = "cron(0 5 ? * * *)"

    lifecycle {
      delete_after = 35 # within the vault lock's 7..365 days
    }
  }
}

resource "aws_backup_selection" "app" {
  name         = "${var.name}-tagged"
  plan_id      = aws_backup_plan.app.id
  iam_role_arn = aws_iam_role.backup.arn

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "backup"
    value = "daily"
  }
}

output "vault_arn" {
  value = backup_vault.app.arn
}

output "workload_key_arn" {
  value = aws_kms_key.workload.arn
}

output "backup_plan_id" {
  value = aws_backup_plan.app.id
}
