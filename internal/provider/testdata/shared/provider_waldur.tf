provider "waldur" {
  endpoint = {{q .Endpoint}}
  token    = {{q .Token}}
}
