variable "name" {
  description = "Deployment name; every AWS name derives from it (as in backup_deployment)."
  type        = string
}

variable "backup_targets" {
  description = "OU ids whose accounts are backed up."
  type        = set(string)
}

variable "central_account_id" {
  description = "The backup (delegated administrator) account the provider acts in."
  type        = string
}

variable "management_account_id" {
  description = "The organisation's management account (owner of OU ARNs)."
  type        = string
}

variable "organization_id" {
  description = "o-... of the organisation."
  type        = string
}

variable "deployer_role_arn" {
  description = "Role the provider acts as; exempt from the vaults' deny-delete policy."
  type        = string
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "min_retention_days" {
  type    = number
  default = 7
}

variable "max_retention_days" {
  type    = number
  default = 365
}

variable "backup_tag_key" {
  type    = string
  default = "backup-plan"
}

variable "intermediate_retention_days" {
  type    = number
  default = 7
}

variable "force_destroy" {
  description = "aws_backup_vault force_destroy on the two standard vaults."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = { project = "bunker-bench" }
}

variable "state_machines" {
  description = <<-EOT
    Create the two aws_sfn_state_machine resources (and the ingest rule's target). hashicorp/aws
    5.100.0 reads every machine's versions (ListStateMachineVersions), which moto 5.2.1 does not
    implement (HTTP 500, retried without end): off until the emulator answers it.
  EOT
  type        = bool
  default     = false
}
