# Adopt vaults that already exist (made in the console, by the CLI or another tool) into
# Terraform with import blocks.
#
#   terraform plan -var vault_name=my-vault -var lag_vault_name=my-lag-vault
#   terraform apply -var vault_name=my-vault -var lag_vault_name=my-lag-vault
#
# The resource blocks below describe one particular pair of vaults: a standard vault under a
# compliance-mode Vault Lock (7 to 365 days), with a deny-delete access policy and a tag, and
# a logically air-gapped vault (7 to 365 days). The plan shows only "import" when the blocks
# describe your vaults as they are; wherever they differ, the same plan also changes the vault
# to match them (or replaces it, for a logically air-gapped vault's retention; a replacement of
# a vault holding recovery points is refused). So write the blocks from your vaults, or let
# Terraform write them: with the import blocks and no resource blocks,
# `terraform plan -generate-config-out=generated.tf` writes them from what AWS holds.
#
# WARNING: `lock` with `changeable_for_days` is a compliance-mode Vault Lock. Applied to a
# vault that has no lock (or a governance-mode one), it locks the vault, and once those days
# have passed nobody, AWS included, can remove the lock, shorten the retention or delete the
# vault before its recovery points expire. For a vault without a lock, leave `lock` out (or
# leave `changeable_for_days` out: governance mode, removable at any time) unless that is
# what you want.

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
