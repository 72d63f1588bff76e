# The configuration whose state provider 0.1.0 (commit b3fdf7c) wrote into
# 0.1.0/terraform.tfstate, and that StateUpgradeAccTest applies with 0.1.0 and then plans and
# applies with the current provider: a deployment in each member deployment mode (over two
# different OUs of the emulator's seeded organisation) and a standalone vault. Regenerate the
# fixture with scripts/state-fixtures.sh regenerate (README.md beside this file).

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup", version = "0.1.0" }
  }
}

variable "prod_ou" {
  type = string
}

variable "dev_ou" {
  type = string
}

variable "central_role_arn" {
  type = string
}

variable "suffix" {
  description = "Keeps the names of one run apart from another's on a shared emulator."
  type        = string
}

provider "backup" {
  assume_role {
    role_arn = var.central_role_arn
  }
}

resource "backup_deployment" "assume_role" {
  name                   = "ar${var.suffix}"
  backup_targets         = [var.prod_ou]
  min_retention_days     = 7
  max_retention_days     = 365
  backup_tag_key         = "backup-plan"
  force_destroy          = true
  member_deployment_mode = "assume_role"

  plans = {
    daily = {
      rules = [{
        schedule_expression = "cron(0 5 ? * * *)"
        delete_after_days   = 35
      }]
    }
  }

  tags = { fixture = "state-upgrade" }
}

resource "backup_deployment" "stackset" {
  name                   = "ss${var.suffix}"
  backup_targets         = [var.dev_ou]
  min_retention_days     = 7
  max_retention_days     = 365
  backup_tag_key         = "backup-plan"
  force_destroy          = true
  member_deployment_mode = "stackset"

  plans = {
    daily = {
      rules = [{
        schedule_expression = "cron(0 5 ? * * *)"
        delete_after_days   = 35
      }]
    }
  }
}

resource "backup_vault" "this" {
  name = "vault${var.suffix}"

  lock = {
    min_retention_days = 7
    max_retention_days = 365
  }

  tags = { fixture = "state-upgrade" }
}
