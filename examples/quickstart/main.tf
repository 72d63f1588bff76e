# Quickstart: one backup deployment in the central (backup) account, over two OUs, with two
# plans. On the local emulator:
#
#   scripts/emulator.sh start && scripts/emulator.sh seed     # prints OU and account ids
#   eval "$(scripts/emulator.sh env)"                         # endpoint, test credentials, region
#   terraform apply -var 'backup_targets=["ou-…"]' -var 'central_role_arn=arn:aws:iam::<backup account>:role/OrganizationAccountAccessRole'
#
# This version builds the central account and the Organizations backup policies; the workload
# accounts' part (StackSet) follows in a later version.

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
  description = "Delete the central vaults' recovery points on destroy."
  type        = bool
  default     = false
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
  }
}
