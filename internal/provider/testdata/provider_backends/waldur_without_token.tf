provider "waldur" {
  endpoint = "https://waldur.example.com/api/"
}
