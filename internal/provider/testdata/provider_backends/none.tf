provider "waldur" {}
