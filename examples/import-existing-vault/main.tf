# Adopt vaults that already exist (made in the console, by the CLI or another tool) into
# Terraform with import blocks: the first plan shows "import", the next is empty.
#
#   terraform plan -var vault_name=my-vault -var lag_vault_name=my-lag-vault
#   terraform apply -var vault_name=my-vault -var lag_vault_name=my-lag-vault
#
# Without a resource block, `terraform plan -generate-config-out=generated.tf` writes one
# from what AWS holds.

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup" }
  }
}

variable "vault_name" {
  description = "Name of an existing standard Backup vault."
  type        = string
}

variable "lag_vault_name" {
  description = "Name of an existing logically air-gapped Backup vault."
  type        = string
}

variable "force_destroy" {
  description = "Delete the vault's recovery points when it is destroyed."
  type        = bool
  default     = false
}

import {
  to = backup_vault.existing
  id = var.vault_name
}

import {
  to = backup_vault.air_gapped
  id = var.lag_vault_name
}

resource "backup_vault" "existing" {
  name          = var.vault_name
  force_destroy = var.force_destroy

  lock = {
    min_retention_days  = 7
    max_retention_days  = 365
    changeable_for_days = 3
  }

  access_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyDeletingRecoveryPoints"
      Effect    = "Deny"
      Principal = "*"
      Action    = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]
      Resource  = "*"
    }]
  })

  tags = {
    team = "platform"
  }
}

resource "backup_vault" "air_gapped" {
  name               = var.lag_vault_name
  vault_type         = "logically_air_gapped"
  min_retention_days = 7
  max_retention_days = 365
  force_destroy      = var.force_destroy
}

output "vault_arn" {
  value = backup_vault.existing.arn
}

output "recovery_points" {
  value = backup_vault.existing.recovery_points
}
