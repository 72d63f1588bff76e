# A standard vault with force_destroy, written with hashicorp/aws 5.100.0, in the central
# (backup) account, on the local emulator. Counterpart of ../bunker.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:4610"
}
variable "central_account_id" { type = string }
variable "vault_name" {
  type    = string
  default = "bench-destroy-aws"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  assume_role {
    role_arn = "arn:aws:iam::${var.central_account_id}:role/OrganizationAccountAccessRole"
  }
  endpoints {
    backup = var.endpoint
    sts    = var.endpoint
  }
}

resource "aws_backup_vault" "this" {
  name          = var.vault_name
  force_destroy = true
}
