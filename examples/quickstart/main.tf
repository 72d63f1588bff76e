# Quickstart: one backup deployment over the seeded OUs, with two plans: the central (backup)
# account's vaults, key, roles, bus, state machines and backup policies, and in every account
# under the OUs a backup vault, a restore vault, their roles and an event forwarding rule.
# On the local emulator:
#
#   scripts/emulator.sh start && scripts/emulator.sh seed     # prints OU and account ids
#   eval "$(scripts/emulator.sh env)"                         # endpoint, test credentials, region
#   terraform apply -var 'backup_targets=["ou-…","ou-…"]' -var 'central_role_arn=arn:aws:iam::<backup account>:role/OrganizationAccountAccessRole'
#
# Workload accounts are deployed in the default mode, "stackset": a service-managed StackSet
# whose custom resource is served by the deployment helper Lambda (Java) in the central account;
# the emulator runs that Lambda for real. -var 'member_deployment_mode=assume_role' makes the
# provider assume member_role_name in each account instead; from the backup account that role
# must trust it, which AWS's OrganizationAccountAccessRole does not (it trusts the management
# account only): on the emulator add -var 'member_role_name=BunkerMemberDeploymentRole', the
# role the seed makes. What the management account must delegate for each mode:
# docs/guides/prerequisites.md.

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup" }
  }
}

variable "backup_targets" {
  description = "OU ids whose accounts are backed up (scripts/emulator.sh seed prints them)."
  type        = set(string)
}

variable "central_role_arn" {
  description = "Role to assume in the central (delegated backup administrator) account."
  type        = string
  default     = null
}

variable "name" {
  description = "Deployment name, part of every AWS name it creates."
  type        = string
  default     = "quickstart"
}

variable "force_destroy" {
  description = "Delete the recovery points of the central and workload vaults on destroy."
  type        = bool
  default     = false
}

variable "member_deployment_mode" {
  description = "How workload accounts are deployed: \"stackset\" or \"assume_role\"."
  type        = string
  default     = "stackset"
}

variable "member_role_name" {
  description = "Role assumed in each workload account in assume_role mode."
  type        = string
  default     = "OrganizationAccountAccessRole"
}

provider "backup" {
  assume_role {
    role_arn = var.central_role_arn
  }
}

resource "backup_deployment" "this" {
  name               = var.name
  backup_targets     = var.backup_targets
  min_retention_days = 7
  max_retention_days = 365
  backup_tag_key     = "backup-plan"
  force_destroy      = var.force_destroy

  member_deployment_mode = var.member_deployment_mode
  member_role_name       = var.member_role_name

  plans = {
    daily = {
      rules = [{
        schedule_expression = "cron(0 5 ? * * *)"
        delete_after_days   = 35
      }]
      start_window_minutes      = 60
      completion_window_minutes = 180
    }
    monthly = {
      use_logically_air_gapped_vault = true
      rules = [{
        name                = "first-of-month"
        schedule_expression = "cron(0 3 1 * ? *)"
        delete_after_days   = 365
      }]
    }
  }

  allow_backup_targets_to_restore = true

  tags = {
    project = "bunker-quickstart"
  }
}

output "deployment" {
  value = {
    standard_vault_arn     = backup_deployment.this.standard_vault_arn
    intermediate_vault_arn = backup_deployment.this.intermediate_vault_arn
    lag_vault_arn          = backup_deployment.this.lag_vault_arn
    kms_key_arn            = backup_deployment.this.kms_key_arn
    backup_policy_ids      = backup_deployment.this.backup_policy_ids
    stack_set_id           = backup_deployment.this.stack_set_id
  }
}

output "member_accounts" {
  description = "Per workload account: status and the ARNs of its vaults, roles and rule."
  value       = backup_deployment.this.member_accounts
}
