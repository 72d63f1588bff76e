# Two deployments from one reusable module and one plan catalogue: production and development
# are separate security boundaries. Each has its own key, vaults, roles, event bus and backup
# policies, and every grant names only its own OUs: a dev account can neither copy into nor
# restore from production's vaults.
#
#   scripts/emulator.sh start && scripts/emulator.sh seed     # prints OU and account ids
#   eval "$(scripts/emulator.sh env)"
#   terraform init
#   terraform apply -var 'prod_ous=["ou-…"]' -var 'dev_ous=["ou-…"]' \
#     -var 'central_role_arn=arn:aws:iam::<backup account>:role/OrganizationAccountAccessRole'

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup" }
  }
}

variable "prod_ous" {
  description = "OU ids of the production accounts."
  type        = set(string)
}

variable "dev_ous" {
  description = "OU ids of the development accounts."
  type        = set(string)
}

variable "central_role_arn" {
  description = "Role to assume in the central (delegated backup administrator) account."
  type        = string
  default     = null
}

variable "prod_name" {
  type    = string
  default = "prod"
}

variable "dev_name" {
  type    = string
  default = "dev"
}

variable "force_destroy" {
  description = "Delete the vaults' recovery points on destroy."
  type        = bool
  default     = false
}

provider "backup" {
  assume_role {
    role_arn = var.central_role_arn
  }
}

# The organisation's plan catalogue; each deployment picks from it.
locals {
  plan_catalogue = {
    daily = {
      rules = [{
        schedule_expression = "cron(0 5 ? * * *)"
        delete_after_days   = 35
      }]
      start_window_minutes      = 60
      completion_window_minutes = 180
    }
    weekly = {
      rules = [{
        name                = "sunday"
        schedule_expression = "cron(0 2 ? * 1 *)"
        delete_after_days   = 90
      }]
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
}

variable "member_role_name" {
  description = "Role each deployment assumes in its workload accounts (assume_role mode). AWS's OrganizationAccountAccessRole trusts only the management account: deploying from the backup account needs a role that trusts it (on the emulator, the seed's BunkerMemberDeploymentRole)."
  type        = string
  default     = "OrganizationAccountAccessRole"
}

module "prod" {
  source = "./modules/deployment"

  name                            = var.prod_name
  ou_ids                          = var.prod_ous
  plan_catalogue                  = local.plan_catalogue
  plans                           = ["daily", "weekly", "monthly"]
  max_retention_days              = 365
  allow_backup_targets_to_restore = true
  force_destroy                   = var.force_destroy
  member_role_name                = var.member_role_name
  tags                            = { environment = "production" }
}

module "dev" {
  source = "./modules/deployment"

  name               = var.dev_name
  ou_ids             = var.dev_ous
  plan_catalogue     = local.plan_catalogue
  plans              = ["daily"]
  max_retention_days = 35
  force_destroy      = var.force_destroy
  member_role_name   = var.member_role_name
  tags               = { environment = "development" }
}

output "prod" {
  value = module.prod
}

output "dev" {
  value = module.dev
}
