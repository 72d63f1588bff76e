# One backup deployment: a security boundary. Its vaults, key, roles, bus and policies name only
# its own OUs and roles, so a second call of this module shares nothing with the first.

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup" }
  }
}

variable "name" {
  description = "Deployment name (at most 11 characters with the default prefixes)."
  type        = string
}

variable "ou_ids" {
  description = "OU ids whose accounts this deployment backs up."
  type        = set(string)
}

variable "plan_catalogue" {
  description = "Every plan the organisation offers, by name (the name is the tag value)."
  type = map(object({
    rules = list(object({
      name                 = optional(string)
      schedule_expression  = string
      delete_after_days    = number
      local_retention_days = optional(number)
    }))
    use_logically_air_gapped_vault = optional(bool, false)
    start_window_minutes           = optional(number)
    completion_window_minutes      = optional(number)
  }))
}

variable "plans" {
  description = "Names of the catalogue's plans this deployment offers."
  type        = set(string)

  validation {
    condition     = length(var.plans) > 0
    error_message = "Choose at least one plan."
  }
}

variable "min_retention_days" {
  type    = number
  default = 7
}

variable "max_retention_days" {
  type = number
}

variable "allow_backup_targets_to_restore" {
  type    = bool
  default = false
}

variable "member_deployment_mode" {
  description = "\"stackset\" or \"assume_role\"."
  type        = string
  default     = "assume_role"
}

variable "member_role_name" {
  description = "Role assumed in each workload account in assume_role mode; it must trust the central account."
  type        = string
  default     = "OrganizationAccountAccessRole"
}

variable "force_destroy" {
  type    = bool
  default = false
}

variable "tags" {
  type    = map(string)
  default = {}
}

locals {
  unknown = setsubtract(var.plans, keys(var.plan_catalogue))
}

resource "backup_deployment" "this" {
  name                            = var.name
  backup_targets                  = var.ou_ids
  min_retention_days              = var.min_retention_days
  max_retention_days              = var.max_retention_days
  backup_tag_key                  = "backup-plan"
  member_deployment_mode          = var.member_deployment_mode
  member_role_name                = var.member_role_name
  allow_backup_targets_to_restore = var.allow_backup_targets_to_restore
  force_destroy                   = var.force_destroy
  tags                            = merge(var.tags, { deployment = var.name })

  plans = { for p in var.plans : p => var.plan_catalogue[p] }

  lifecycle {
    precondition {
      condition     = length(local.unknown) == 0
      error_message = "Plans not in the catalogue: ${join(", ", local.unknown)}."
    }
  }
}

output "name" {
  value = backup_deployment.this.id
}

output "standard_vault_arn" {
  value = backup_deployment.this.standard_vault_arn
}

output "intermediate_vault_arn" {
  value = backup_deployment.this.intermediate_vault_arn
}

output "lag_vault_arn" {
  value = backup_deployment.this.lag_vault_arn
}

output "kms_key_arn" {
  value = backup_deployment.this.kms_key_arn
}

output "backup_policy_ids" {
  value = backup_deployment.this.backup_policy_ids
}

output "member_accounts" {
  description = "Workload accounts of this deployment, by id, with their status."
  value       = { for id, m in backup_deployment.this.member_accounts : id => m.status }
}
