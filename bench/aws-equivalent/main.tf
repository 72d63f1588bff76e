# One backup_deployment's central topology written with hashicorp/aws 5.100.0 resources
# (module ./deployment), pointed at the local emulator. The counterpart of bench/bunker-one.
# scripts/bench.sh fills the variables from `scripts/emulator.sh seed`.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:4610"
}
variable "names" {
  description = "Deployment names (one module instance each)."
  type        = list(string)
  default     = ["awseq"]
}
variable "backup_targets" { type = set(string) }
variable "central_account_id" { type = string }
variable "management_account_id" { type = string }
variable "organization_id" { type = string }
variable "state_machines" {
  description = "See deployment/variables.tf: needs ListStateMachineVersions in the emulator."
  type        = bool
  default     = false
}
variable "force_destroy" {
  type    = bool
  default = false
}

locals {
  deployer = "arn:aws:iam::${var.central_account_id}:role/OrganizationAccountAccessRole"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # Operations the emulator lacks answer 500: fail in seconds rather than retry for minutes.
  max_retries = 5
  # Like backup_deployment's provider block in examples/quickstart: act in the central account.
  assume_role {
    role_arn = local.deployer
  }
  endpoints {
    backup         = var.endpoint
    cloudwatchlogs = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    organizations  = var.endpoint
    ram            = var.endpoint
    sfn            = var.endpoint
    sts            = var.endpoint
  }
}

module "deployment" {
  source   = "./deployment"
  for_each = toset(var.names)

  name                  = each.value
  backup_targets        = var.backup_targets
  central_account_id    = var.central_account_id
  management_account_id = var.management_account_id
  organization_id       = var.organization_id
  deployer_role_arn     = local.deployer
  force_destroy         = var.force_destroy
  state_machines        = var.state_machines
}

output "deployments" {
  value = module.deployment
}
