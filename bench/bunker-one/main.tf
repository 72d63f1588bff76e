# One backup_deployment on the local emulator: examples/quickstart's spec (plans "daily" and
# "monthly", the latter on the logically air-gapped vault, restore sharing on). The counterpart
# of bench/aws-equivalent; scripts/bench.sh fills the variables from `scripts/emulator.sh seed`.
# scripts/bench.sh scale applies it with ten names as well (its `names` variable), and with
# assume_role over new member accounts; scripts/bench.sh dataplane applies it in assume_role
# mode with member_role_name and force_destroy, then runs a day of its daily plan.

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup", version = "0.2.0" }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:4610"
}
variable "names" {
  description = "Deployment names (one backup_deployment each)."
  type        = list(string)
  default     = ["bunk1"]
}
variable "backup_targets" { type = set(string) }
variable "central_account_id" { type = string }
variable "management_account_id" {
  description = "Unused here (the provider learns it); the aws side needs it."
  type        = string
  default     = ""
}
variable "organization_id" {
  description = "Unused here (the provider learns it); the aws side needs it."
  type        = string
  default     = ""
}
variable "member_deployment_mode" {
  description = "null leaves the attribute unset (its default, \"stackset\")."
  type        = string
  default     = null
}
variable "member_role_name" {
  description = "null leaves the attribute unset (its default, OrganizationAccountAccessRole)."
  type        = string
  default     = null
}
variable "force_destroy" {
  type    = bool
  default = false
}

provider "backup" {
  region       = "us-east-1"
  endpoint_url = var.endpoint
  assume_role {
    role_arn = "arn:aws:iam::${var.central_account_id}:role/OrganizationAccountAccessRole"
  }
}

resource "backup_deployment" "this" {
  for_each = toset(var.names)

  name                   = each.value
  backup_targets         = var.backup_targets
  min_retention_days     = 7
  max_retention_days     = 365
  backup_tag_key         = "backup-plan"
  member_deployment_mode = var.member_deployment_mode
  member_role_name       = var.member_role_name
  force_destroy          = var.force_destroy

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
    project = "bunker-bench"
  }
}

output "standard_vault_arns" {
  value = { for k, d in backup_deployment.this : k => d.standard_vault_arn }
}
