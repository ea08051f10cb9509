# Sourced by the measuring scripts: signs a staff account in with curl, enrolling its second
# factor (RFC 6238, computed here as an authenticator app would) on the way.
#   sign_in_with_totp JAR BASE LOGIN PASSWORD
sign_in_with_totp() {
  local jar=$1 base=$2 login=$3 password=$4
  curl -fsS -o /dev/null -c "$jar" -H "Origin: $base" \
    --data "login=$login&password=$password&next=/desk" "$base/login"
  local enrol secret sealed
  enrol=$(curl -fsS -b "$jar" "$base/account/totp")
  secret=$(sed -n 's/.*class="totp-secret">\([^<]*\)<.*/\1/p' <<<"$enrol")
  sealed=$(sed -n 's/.*name="sealed" value="\([^"]*\)".*/\1/p' <<<"$enrol")
  curl -fsS -o /dev/null -b "$jar" -H "Origin: $base" --data-urlencode "sealed=$sealed" \
    --data "code=$(totp_now "$secret")&password=$password" "$base/account/totp"
}

totp_now() {
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1].replace(" ", "").upper()
key = base64.b32decode(s + "=" * (-len(s) % 8))
mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
}
